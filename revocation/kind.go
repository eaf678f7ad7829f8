package revocation

import "fmt"

// Kind is the kind of a revocation entry.
type Kind uint8

// The kinds of revocation entries. The zero Kind is invalid.
const (
	// KindToken revokes one token by its jti claim.
	KindToken Kind = iota + 1
	// KindSubject revokes every token of one subject issued before a time.
	KindSubject
	// KindKey revokes every token signed by one key, by kid.
	KindKey
	// KindGlobal revokes every token issued before a time.
	KindGlobal
)

var kindNames = [...]string{KindToken: "token", KindSubject: "subject", KindKey: "key",
	KindGlobal: "global"}

// String returns the kind's name as used in JSON: token, subject, key or global.
func (k Kind) String() string {
	if k >= KindToken && k <= KindGlobal {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < KindToken || k > KindGlobal {
		return nil, fmt.Errorf("%w: kind %d is unknown", ErrInvalidEntry, uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes a kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i := KindToken; i <= KindGlobal; i++ {
		if string(b) == kindNames[i] {
			*k = i
			return nil
		}
	}
	return fmt.Errorf("%w: kind %q is unknown: use token, subject, key or global",
		ErrInvalidEntry, b)
}

// Subject kinds, as in the token's kind claim. A user and a service of the same
// name are different subjects.
const (
	SubjectUser    = "user"
	SubjectService = "service"
)
