package intent

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
)

// LockHeader starts every lock file.
const LockHeader = "# Allocations made by underlay for the intent beside this file.\n" +
	"# Commit it: it keeps ASNs and addresses stable when devices come and go.\n" +
	"# Delete an entry to let underlay allocate that value afresh.\n"

// LockRoot is the root of field paths about lock entries: the resolver
// reports a bad entry as lock.asns.leaf1 or lock.linkIPv4.<link key>, and
// Locate places it on the lock file's line (as asns.leaf1). The intent has
// no top-level field of that name, so the two never mix.
var LockRoot = field.NewPath("lock")

// LockDocument is a loaded lock file, with the positions of its entries.
type LockDocument struct {
	Path  string
	Lock  *v1alpha1.Lock
	root  yaml.Node // src parsed once
	lines map[string]int
}

// Line returns the line of the entry at path ("asns.leaf1"); see
// Document.Line.
func (l *LockDocument) Line(path string) int { return lineOf(&l.root, &l.lines, path) }

// LockPath is where the lock of an intent file lives: fabric.yaml →
// fabric.lock.yaml in the same directory.
func LockPath(intentPath string) string {
	ext := filepath.Ext(intentPath)
	return strings.TrimSuffix(intentPath, ext) + ".lock.yaml"
}

// LoadLock reads the lock at path; a missing file is an empty lock (nil).
func LoadLock(path string) (*v1alpha1.Lock, error) {
	l, err := ReadLock(path)
	if l == nil || err != nil {
		return nil, err
	}
	return l.Lock, nil
}

// ReadLock reads the lock at path with its positions; a missing file is
// no document (nil) and no error.
func ReadLock(path string) (*LockDocument, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lock file: %w", err)
	}
	return ParseLock(path, src)
}

// ParseLock strictly decodes a lock file; path is only used in messages.
func ParseLock(path string, src []byte) (*LockDocument, error) {
	l := &LockDocument{Path: path, Lock: &v1alpha1.Lock{}}
	if !decodeOnce(src, &l.root, l.Lock) {
		var err error
		if l, err = parseLockStrict(path, src); err != nil {
			return nil, err
		}
	}
	if errs := l.wholeASNs(); len(errs) > 0 {
		return nil, errs
	}
	if v := l.Lock.APIVersion; v != "" && v != v1alpha1.APIVersion {
		return nil, Errors{{File: path, Line: l.Line("apiVersion"),
			Msg: fmt.Sprintf("apiVersion %q is not %s; this underlay cannot read it", v, v1alpha1.APIVersion)}}
	}
	if k := l.Lock.Kind; k != "" && k != v1alpha1.KindLock {
		return nil, Errors{{File: path, Line: l.Line("kind"), Msg: fmt.Sprintf("kind %q is not %s; is this the lock file?", k, v1alpha1.KindLock)}}
	}
	return l, nil
}

// parseLockStrict is ParseLock's decoding where decodeOnce cannot vouch
// for the tree: the strict decoder's messages, then the positions.
func parseLockStrict(path string, src []byte) (*LockDocument, error) {
	l := &LockDocument{Path: path, Lock: &v1alpha1.Lock{}}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(l.Lock); err != nil && !errors.Is(err, errEOF) {
		return nil, decodeErrors(path, src, err)
	}
	if err := secondDocument(path, dec, "a lock file holds one FabricLock"); err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(src, &l.root); err != nil {
		return nil, decodeErrors(path, nil, err)
	}
	return l, nil
}

// wholeASNs rejects ASN entries that are not integers: yaml.v3 decodes
// 1.1 (an asdot ASN written by hand) or 0.0 into a uint32 without a word,
// as AS 1 and AS 0.
func (l *LockDocument) wholeASNs() Errors {
	if len(l.root.Content) == 0 {
		return nil
	}
	var errs Errors
	m := l.root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "asns" || m.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		asns := m.Content[i+1].Content
		for j := 0; j+1 < len(asns); j += 2 {
			if v := asns[j+1]; v.ShortTag() != "!!int" {
				errs = append(errs, Error{File: l.Path, Line: v.Line, Field: "asns." + asns[j].Value,
					Msg: fmt.Sprintf("%q is not a whole number: the lock file writes ASNs asplain, e.g. 65001", v.Value)})
			}
		}
	}
	return errs
}

// Locate places field errors on lines: those under LockRoot in the lock
// file (lock may be nil when none was read: they then name the file the
// lock would be, without a line), the rest in the intent. Intent errors
// come first, each file's in line order.
func Locate(errs field.ErrorList, doc *Document, lock *LockDocument) Errors {
	var in, locked field.ErrorList
	for _, fe := range errs {
		if fe.Field == LockRoot.String() || strings.HasPrefix(fe.Field, LockRoot.String()+".") {
			locked = append(locked, fe)
		} else {
			in = append(in, fe)
		}
	}
	out := make(Errors, 0, len(errs))
	for _, fe := range in {
		out = append(out, Error{File: doc.Path, Line: doc.Line(fe.Field), Field: fe.Field, Msg: fe.ErrorBody()})
	}
	sortStable(out)
	lockErrs := make(Errors, 0, len(locked))
	for _, fe := range locked {
		e := Error{File: LockPath(doc.Path), Field: strings.TrimPrefix(strings.TrimPrefix(fe.Field, LockRoot.String()), "."), Msg: fe.ErrorBody()}
		if lock != nil {
			e.File, e.Line = lock.Path, lock.Line(e.Field)
		}
		lockErrs = append(lockErrs, e)
	}
	sortStable(lockErrs)
	return append(out, lockErrs...)
}

// MarshalLock renders a lock deterministically (yaml sorts map keys).
func MarshalLock(l *v1alpha1.Lock) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(LockHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("encoding lock: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding lock: %w", err)
	}
	return b.Bytes(), nil
}
