package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// openStore opens the -store flag's store: "memory" (the embedded default,
// gone when the process ends), "sqlite:PATH" or a "postgres://" DSN (both
// durable, through store/sqlstore).
func openStore(ctx context.Context, spec string) (store.Store, func(), error) {
	switch {
	case spec == "" || spec == "memory":
		return memstore.New(), func() {}, nil
	case strings.HasPrefix(spec, "sqlite:"), strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		s, err := sqlstore.Open(ctx, spec)
		if err != nil {
			return nil, nil, fmt.Errorf("-store: %w", err)
		}
		return s, func() { _ = s.Close() }, nil
	}
	return nil, nil, fmt.Errorf("-store %q: want memory, sqlite:PATH or a postgres:// URL", spec)
}
