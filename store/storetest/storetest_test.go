package storetest_test

import (
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/storetest"
)

func TestMemstore(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memstore.New() })
}

// TestSharedStore runs the suite with one store for every subtest, as an
// adapter backed by a shared database would.
func TestSharedStore(t *testing.T) {
	s := memstore.New()
	storetest.Run(t, func(*testing.T) store.Store { return s })
}

// plain hides memstore's optional interfaces, so the suite also checks
// the fallbacks (store.NamedMembersOf through Members and GetUser).
type plain struct{ store.Store }

func TestPlainStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return plain{memstore.New()} })
}
