package sonicyang

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"underlay.dev/underlay/internal/checker"
)

// Validate runs yanglint over YANG-shaped JSON (from Translate) with every
// SONiC model loaded.
func (s *Schema) Validate(ctx context.Context, yangJSON []byte) error {
	lint, err := exec.LookPath("yanglint")
	if err != nil {
		return fmt.Errorf("yanglint: %w", checker.ErrNotInstalled)
	}
	models, err := filepath.Glob(filepath.Join(s.Dir, "yang-models", "*.yang"))
	if err != nil || len(models) == 0 {
		return errors.New("no YANG models to validate with")
	}
	tmp, err := os.CreateTemp("", "underlay-sonic-*.json")
	if err != nil {
		return fmt.Errorf("sonic yang check: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(yangJSON); err != nil {
		tmp.Close()
		return fmt.Errorf("sonic yang check: %w", err)
	}
	tmp.Close()
	args := []string{"-t", "config", "-p", filepath.Join(s.Dir, "yang-models"), "-p", filepath.Join(s.Dir, "ietf")}
	args = append(append(args, models...), tmp.Name())
	out, err := exec.CommandContext(ctx, lint, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("yanglint rejects the config: %w:\n%s", err, errorLines(string(out)))
	}
	return nil
}

// errorLines keeps yanglint's errors and drops the warnings it prints while
// loading the models.
func errorLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "libyang err") || strings.HasPrefix(l, "YANGLINT[E]") {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return strings.TrimSpace(out)
	}
	return strings.Join(keep, "\n")
}

// Check translates and validates config_db.json.
func (s *Schema) Check(ctx context.Context, configDB []byte) error {
	y, err := s.Translate(configDB)
	if err != nil {
		return err
	}
	return s.Validate(ctx, y)
}

// CheckDB is Check of a config_db.json decoded already (TranslateDB).
func (s *Schema) CheckDB(ctx context.Context, db map[string]any) error {
	y, err := s.TranslateDB(db)
	if err != nil {
		return err
	}
	return s.Validate(ctx, y)
}
