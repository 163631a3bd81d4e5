package resolve

import (
	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/intent"
)

// File is an intent resolved against its lock file.
type File struct {
	Doc      *intent.Document
	LockPath string
	*Result
}

// Load reads the intent at path and its lock file and resolves them.
// Every problem comes back at once as intent.Errors, each on its file and
// line: the intent's or, for a bad lock entry, the lock file's. The lock
// file is read, never written.
func Load(path string) (*File, error) {
	doc, err := intent.Load(path)
	if err != nil {
		return nil, err
	}
	lockPath := intent.LockPath(path)
	lockDoc, err := intent.ReadLock(lockPath)
	if err != nil {
		return nil, err
	}
	var lock *v1alpha1.Lock
	if lockDoc != nil {
		lock = lockDoc.Lock
	}
	res, errs := Resolve(doc.Fabric, lock)
	if len(errs) > 0 {
		return nil, intent.Locate(errs, doc, lockDoc)
	}
	return &File{Doc: doc, LockPath: lockPath, Result: res}, nil
}
