package jwks

import (
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
)

// Algorithms lists the signing algorithms hubjwt supports, in the order of
// preference used in metadata documents.
var Algorithms = []string{"ES256", "EdDSA", "RS256", "PS256"}

// MinRSABits is the smallest RSA modulus hubjwt generates or accepts (RFC 7518
// section 3.3 requires 2048 bits for RS256 and PS256).
const MinRSABits = 2048

// ParseAlgorithm returns the jwa algorithm for name, which must be spelled
// exactly as in Algorithms.
func ParseAlgorithm(name string) (jwa.SignatureAlgorithm, error) {
	for _, a := range Algorithms {
		if a == name {
			alg, ok := jwa.LookupSignatureAlgorithm(name)
			if ok {
				return alg, nil
			}
		}
	}
	return jwa.EmptySignatureAlgorithm(), fmt.Errorf("%w %q: use one of ES256, EdDSA, RS256, PS256",
		ErrUnsupportedAlgorithm, name)
}
