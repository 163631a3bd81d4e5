package cli

import "underlay.dev/underlay/internal/resolve"

// load reads the intent and its lock and resolves them; a problem is an
// exit-1 failure.
func load(path string) (*resolve.File, error) {
	f, err := resolve.Load(path)
	if err != nil {
		return nil, failed(err)
	}
	return f, nil
}
