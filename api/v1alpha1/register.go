package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion of the Kubernetes API types.
var GroupVersion = schema.GroupVersion{Group: Group, Version: Version}

// AddToScheme registers NetworkDevice with a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &NetworkDevice{}, &NetworkDeviceList{})
	metaAddToGroupVersion(s)
	return nil
}

func metaAddToGroupVersion(s *runtime.Scheme) {
	metav1.AddToGroupVersion(s, GroupVersion)
}
