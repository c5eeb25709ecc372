package storekit_test

import (
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
	"github.com/scimkit/scimkit/store/storetest"
)

// TestMinimal runs the whole conformance suite on Wrap over a backend with
// only the required methods: the fallbacks alone meet the contract.
func TestMinimal(t *testing.T) {
	newStore := func(*testing.T) store.Store { return storekit.Wrap(newMinimal()) }
	storetest.Run(t, newStore)
	storetest.RunConcurrency(t, newStore)
	storetest.RunReplicas(t, func(*testing.T) []store.Store {
		b := newMinimal()
		return []store.Store{storekit.Wrap(b), storekit.Wrap(b), storekit.Wrap(b)}
	})
}

// TestMinimalShared runs the suite with one backend for every subtest.
func TestMinimalShared(t *testing.T) {
	s := storekit.Wrap(newMinimal())
	storetest.Run(t, func(*testing.T) store.Store { return s })
}

// TestMinimalSameAnswers runs the fast-path comparison where there is no
// fast path: both sides are fallbacks, so it checks the comparison itself
// runs clean.
func TestMinimalSameAnswers(t *testing.T) {
	storetest.RunSameAnswers(t, func(*testing.T) (store.Store, store.Store) {
		b := newMinimal()
		return storekit.Wrap(b), storekit.Wrap(b, storekit.FallbacksOnly())
	})
}
