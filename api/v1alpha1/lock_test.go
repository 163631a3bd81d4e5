package v1alpha1

import (
	"reflect"
	"testing"
)

// TestNewLockMakesEveryMap: resolve writes allocations into the maps of
// NewLock; a nil one would panic.
func TestNewLockMakesEveryMap(t *testing.T) {
	v := reflect.ValueOf(NewLock()).Elem()
	maps := 0
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Map {
			maps++
			if f.IsNil() {
				t.Errorf("NewLock().%s is nil", v.Type().Field(i).Name)
			}
		}
	}
	if maps == 0 {
		t.Fatal("Lock has no map fields: the test checks nothing")
	}
}
