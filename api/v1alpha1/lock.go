package v1alpha1

import "reflect"

// NewLock returns an empty lock file with every allocation map made, so a
// map field added to Lock cannot be written to while nil.
func NewLock() *Lock {
	l := &Lock{APIVersion: APIVersion, Kind: KindLock}
	v := reflect.ValueOf(l).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Map {
			f.Set(reflect.MakeMap(f.Type()))
		}
	}
	return l
}
