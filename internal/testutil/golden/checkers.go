package golden

import (
	"errors"
	"os"
	"testing"

	"underlay.dev/underlay/internal/checker"
)

// Checked runs a real checker's result through the project's policy: a
// missing checker skips the test, unless UNDERLAY_REQUIRE_CHECKERS=1 (CI),
// where it fails; any other error fails.
func Checked(t testing.TB, what string, err error) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, checker.ErrNotInstalled) && os.Getenv("UNDERLAY_REQUIRE_CHECKERS") != "1":
		t.Skip(err)
	default:
		t.Errorf("%s: %v", what, err)
	}
}
