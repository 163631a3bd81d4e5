package agent

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	appliesTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "underlay_agent_applies_total",
		Help: "Applies by outcome (Applied, Unchanged, Rejected, RolledBack, Failed).",
	}, []string{"outcome"})
	rollbacksTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "underlay_agent_rollbacks_total",
		Help: "Automatic rollbacks to the last-known-good configuration.",
	})
	failuresTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "underlay_agent_apply_failures_total",
		Help: "Applies that did not end with the desired revision running.",
	})
	driftTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "underlay_agent_drift_total",
		Help: "Times the running config differed from the last-known-good, by policy (correct, report).",
	}, []string{"policy"})
	applySeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "underlay_agent_apply_duration_seconds",
		Help:    "Time from the start of an apply to its outcome, health gate included.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	})
)

func init() {
	ctrlmetrics.Registry.MustRegister(appliesTotal, rollbacksTotal, failuresTotal, driftTotal, applySeconds)
}

// Observe records an apply in the agent's Prometheus metrics.
func Observe(res Result) {
	appliesTotal.WithLabelValues(string(res.Outcome)).Inc()
	switch res.Outcome {
	case RolledBack:
		rollbacksTotal.Inc()
		failuresTotal.Inc()
	case Rejected, Failed:
		failuresTotal.Inc()
	}
	if res.Outcome != Unchanged {
		applySeconds.Observe(res.Took.Seconds())
	}
}
