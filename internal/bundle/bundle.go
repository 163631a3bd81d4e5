// Package bundle is the contract between the renderer and the device agent
// about a device's configuration bundle: the ConfigMap that carries it
// (its name, labels and content-hash annotation), the revision computed
// over its files, and what a file name in it may be. gitops renders by it
// and the agent reads by it, so neither reaches into the other.
//
// It is a leaf package: it imports nothing of underlay's, so the agent
// does not pull in the renderers to learn a ConfigMap's name.
package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Labels and annotations on every device ConfigMap.
const (
	// LabelFabric is the fabric's name.
	LabelFabric = "underlay.dev/fabric"
	// LabelDevice is the device's name.
	LabelDevice = "underlay.dev/device"
	// AnnotationHash is the bundle's revision, ContentHash of its files.
	AnnotationHash = "underlay.dev/content-hash"
	// ConfigMapPrefix starts every device ConfigMap's name.
	ConfigMapPrefix = "underlay-"
)

// MaxBytes is the most a bundle's contents may add up to: what the API
// server lets a ConfigMap's data and binaryData hold together
// (corev1.MaxSecretSize, which ConfigMap validation uses; file names do
// not count).
const MaxBytes = 1 << 20

// ConfigMapName is the name of a device's ConfigMap.
func ConfigMapName(device string) string { return ConfigMapPrefix + device }

// ContentHash is a bundle's revision: sha256 over each file's name, length
// and content in name order. The renderer annotates it; the agent computes
// the same from a ConfigMap without the annotation or a mounted directory.
func ContentHash(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// ShortHash abbreviates a content hash for people, as git does.
func ShortHash(rev string) string {
	if len(rev) > 19 {
		return rev[:19]
	}
	return rev
}

// fileName is a ConfigMap key that is also a plain file name: the
// agent writes each key as a file of its state directory.
var fileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

// ValidFileName reports whether name may be a file of a bundle: a
// ConfigMap key that can become a file name, with no path separators, no
// leading dot (the kubelet's "..data" and hidden files are not
// configuration), nothing like "..", at most 63 characters.
func ValidFileName(name string) bool {
	return fileName.MatchString(name) && !strings.Contains(name, "..")
}

// CheckFileName is ValidFileName as an error that names the rule.
func CheckFileName(name string) error {
	if ValidFileName(name) {
		return nil
	}
	return fmt.Errorf("file name %q is not a bundle file name: want a letter or digit, then up to 62 of "+
		"letters, digits, '_', '.', '-', and no \"..\"", name)
}
