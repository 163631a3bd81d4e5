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

// Unavailable skips a test that cannot run here (why says what is
// missing), unless UNDERLAY_REQUIRE_CHECKERS=1 (CI), where it fails: CI
// must never pass by skipping.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
		t.Fatal(why + " (UNDERLAY_REQUIRE_CHECKERS=1)")
	}
	t.Skip(why)
}
