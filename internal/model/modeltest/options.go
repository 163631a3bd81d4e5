package modeltest

import "underlay.dev/underlay/internal/model"

// WithOptions gives every outside session of d (its external neighbours
// and groups, in every instance) the session options o, as resolve gives a
// Kubernetes cluster's: an internal (iBGP) one takes its instance's ASN.
// Renderer tests build each option on their platform's hand-made
// neighbours with it.
func WithOptions(d *model.Device, o model.SessionOptions) {
	for _, in := range d.Instances {
		for _, s := range in.Sessions {
			switch {
			case s.Group != nil:
				s.Group.Options = o
				if o.Internal {
					s.Group.ASN, s.PeerASN = in.ASN, in.ASN
				}
			case s.External != nil:
				s.External.Options = o
				if o.Internal {
					s.External.ASN, s.PeerASN = in.ASN, in.ASN
				}
			}
		}
	}
}
