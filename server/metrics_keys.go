package server

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hubjwt/hubjwt/jwks"
)

// keyLister is the part of *jwks.Manager the key collector reads.
type keyLister interface {
	Keys() []jwks.Info
}

// keySource is the input of the key collector: the keys, the clock and
// keys.rotation_period.
type keySource struct {
	keys           keyLister
	rotationPeriod time.Duration
	now            func() time.Time
}

// keyCollector computes the key gauges at scrape time from the keys the
// manager holds then, so they never go stale between rotations. It reports
// nothing until metrics.watchKeys sets its source.
type keyCollector struct {
	source       atomic.Pointer[keySource]
	age          *prometheus.Desc
	nextRotation *prometheus.Desc
}

func newKeyCollector() *keyCollector {
	return &keyCollector{
		age: prometheus.NewDesc("hubjwt_key_age_seconds",
			"Time since each stored signing key was created, by kid and state.",
			[]string{"kid", "state"}, nil),
		nextRotation: prometheus.NewDesc("hubjwt_key_next_rotation_seconds",
			"Time until the active key has signed for keys.rotation_period, "+
				"negative when the rotation is overdue.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (k *keyCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- k.age
	ch <- k.nextRotation
}

// Collect implements prometheus.Collector. It reports no next-rotation value
// before the keys are loaded or when keys.rotation_period is zero.
func (k *keyCollector) Collect(ch chan<- prometheus.Metric) {
	src := k.source.Load()
	if src == nil {
		return
	}
	now := src.now()
	for _, info := range src.keys.Keys() {
		ch <- prometheus.MustNewConstMetric(k.age, prometheus.GaugeValue,
			now.Sub(info.CreatedAt).Seconds(), info.ID, string(info.State))
		if info.State != jwks.StateActive || info.ActivatedAt == nil || src.rotationPeriod <= 0 {
			continue
		}
		due := info.ActivatedAt.Add(src.rotationPeriod)
		ch <- prometheus.MustNewConstMetric(k.nextRotation, prometheus.GaugeValue,
			due.Sub(now).Seconds())
	}
}
