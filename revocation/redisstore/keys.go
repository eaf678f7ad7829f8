package redisstore

// DefaultList is the list name used when Options.List is empty.
const DefaultList = "default"

// keys are the Redis keys of one list. They share the hash tag {list}, so they
// live in one Cluster slot.
type keys struct {
	marker      string // the generation marker, a random id
	origin      string // "first-use" or "recovery": how the marker was created
	index       string // sorted set of entry IDs scored by ExpiresAt in Unix ms
	stream      string // every change, trimmed to about StreamMaxLen records
	entryPrefix string // + entry ID: a hash of json, exp (Unix ms), before (Unix µs)
}

func newKeys(list string) keys {
	if list == "" {
		list = DefaultList
	}
	prefix := "hubjwt:revocation:{" + list + "}:"
	return keys{
		marker:      prefix + "generation",
		origin:      prefix + "generation-origin",
		index:       prefix + "index",
		stream:      prefix + "stream",
		entryPrefix: prefix + "entry:",
	}
}

func (k keys) entry(id string) string { return k.entryPrefix + id }
