package memstore_test

import (
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/storetest"
)

func newStore(*testing.T) store.Store { return memstore.New() }

func TestConformance(t *testing.T) {
	storetest.Run(t, newStore)
}

func TestConcurrency(t *testing.T) {
	storetest.RunConcurrency(t, newStore)
}
