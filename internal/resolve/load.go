package resolve

import (
	"underlay.dev/underlay/internal/intent"
)

// File is an intent resolved against its lock file, as package load
// reads it.
type File struct {
	Doc      *intent.Document
	LockPath string
	*Result
}
