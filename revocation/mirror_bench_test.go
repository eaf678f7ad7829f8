package revocation_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
)

// benchEntries is the size of the list the lookup benchmark loads: mostly token
// revocations, as a real list is, with 1% subject and 0.1% key entries.
const benchEntries = 1_000_000

// blockingSource is a source that has nothing to add.
type blockingSource struct{}

func (blockingSource) Sync(ctx context.Context, sink revocation.Sink) error {
	sink.Synced()
	<-ctx.Done()
	return nil
}

// loadBenchMirror returns a running mirror of benchEntries entries and the heap
// it takes.
func loadBenchMirror(b *testing.B) (*revocation.Mirror, uint64) {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	now := time.Now()
	entries := make([]revocation.Entry, 0, benchEntries)
	for i := range benchEntries {
		var e revocation.Entry
		var err error
		switch {
		case i%1000 == 0:
			e, err = policy.Key(fmt.Sprintf("kid-%d", i), time.Time{}, now, "")
		case i%100 == 0:
			e, err = policy.Subject("user", fmt.Sprintf("user-%d", i), now, now, "")
		default:
			e, err = policy.Token(fmt.Sprintf("jti-%022d", i), time.Time{}, now, "")
		}
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	m := revocation.NewMirror(revocation.MirrorConfig{Source: blockingSource{}})
	m.Apply(revocation.Update{Entries: entries, Generation: "g", Full: true})
	entries = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go func() { _ = m.Run(ctx) }()
	time.Sleep(2 * time.Millisecond) // let Run start the coarse clock
	return m, after.HeapAlloc - before.HeapAlloc
}

// BenchmarkMirrorCheck measures one Check (jti, subject and kid lookups) on a
// mirror of one million entries; half of the jtis looked up are revoked.
func BenchmarkMirrorCheck(b *testing.B) {
	m, heap := loadBenchMirror(b)
	jtis := make([]string, 4096)
	for i := range jtis {
		if i%2 == 0 {
			jtis[i] = fmt.Sprintf("jti-%022d", (i*7919)%benchEntries|1) // revoked
		} else {
			jtis[i] = fmt.Sprintf("jti-miss-%018d", i)
		}
	}
	iat := time.Now().Add(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = m.Check(jtis[i&4095], "user", "user-700", "kid-miss", iat)
	}
	b.ReportMetric(float64(heap)/(1<<20), "MiB-heap")
	b.ReportMetric(float64(heap)/benchEntries, "B/entry")
}

// BenchmarkMirrorCheckParallel is BenchmarkMirrorCheck from GOMAXPROCS goroutines.
func BenchmarkMirrorCheckParallel(b *testing.B) {
	m, _ := loadBenchMirror(b)
	iat := time.Now().Add(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = m.Check("jti-0000000000000000012345", "user", "user-700", "kid-miss", iat)
		}
	})
}
