package cli

import (
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/resolve"
)

// loaded is an intent resolved against its lock file.
type loaded struct {
	doc      *intent.Document
	lockPath string
	result   *resolve.Result
}

// load reads the intent and its lock and resolves them. Every problem is
// returned at once as intent.Errors, each on its file and line.
func load(path string) (*loaded, error) {
	doc, err := intent.Load(path)
	if err != nil {
		return nil, failed(err)
	}
	lockPath := intent.LockPath(path)
	lock, err := intent.LoadLock(lockPath)
	if err != nil {
		return nil, failed(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, lock)
	if len(errs) > 0 {
		return nil, failed(doc.Locate(errs))
	}
	return &loaded{doc: doc, lockPath: lockPath, result: res}, nil
}
