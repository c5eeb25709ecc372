package storetest

import (
	"crypto/sha256"
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

var accountTests = []test{
	{"CreateGet", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		in := store.Account{ID: "storetest-" + randomID(), ProvisioningEnabled: true, AllowedDomains: []string{"b.example", "a.example"},
			Created: ts(1, 1), Version: 42} // the store sets times and version
		a, err := s.CreateAccount(ctx, in)
		noErr(t, err, "CreateAccount with a new id must succeed")
		if a.ID != in.ID || !a.ProvisioningEnabled || !slices.Equal(a.AllowedDomains, in.AllowedDomains) {
			fail(t, "CreateAccount returns the account as given (AllowedDomains in the order given)", "got %+v", a)
		}
		if a.Version != 1 || a.Created.IsZero() || a.Modified.IsZero() || a.Created.Equal(in.Created) {
			fail(t, "CreateAccount sets Created, Modified and Version 1", "got %+v", a)
		}
		got, err := s.GetAccount(ctx, a.ID)
		noErr(t, err, "GetAccount of a created account must succeed")
		if got.ID != a.ID || got.Version != 1 || !got.Created.Equal(a.Created) || !slices.Equal(got.AllowedDomains, in.AllowedDomains) || !got.ProvisioningEnabled {
			fail(t, "GetAccount returns what CreateAccount stored", "got %+v, want %+v", got, a)
		}
	}},
	{"CreateInvalid", func(t *testing.T, s store.Store) {
		_, err := s.CreateAccount(t.Context(), store.Account{})
		isErr(t, err, store.ErrInvalid, "CreateAccount with an empty id is ErrInvalid")
	}},
	{"CreateConflict", func(t *testing.T, s store.Store) {
		id := newAccount(t, s)
		_, err := s.CreateAccount(t.Context(), store.Account{ID: id, AllowedDomains: []string{"x.example"}})
		isErr(t, err, store.ErrConflict, "CreateAccount with a taken id is ErrConflict")
		got, err := s.GetAccount(t.Context(), id)
		noErr(t, err, "GetAccount after a refused duplicate create")
		if got.Version != 1 || len(got.AllowedDomains) != 0 {
			fail(t, "a refused CreateAccount changes nothing", "got %+v", got)
		}
	}},
	{"GetMissing", func(t *testing.T, s store.Store) {
		_, err := s.GetAccount(t.Context(), "storetest-missing-"+randomID())
		isErr(t, err, store.ErrNotFound, "GetAccount of an unknown id is ErrNotFound")
	}},
	{"Update", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, err := s.GetAccount(ctx, newAccount(t, s))
		noErr(t, err, "GetAccount of a created account must succeed")
		a.ProvisioningEnabled = false
		a.AllowedDomains = []string{"x.example", "y.example"}
		created := a.Created
		a.Created = ts(1, 1) // the store keeps Created
		u, err := s.UpdateAccount(ctx, a)
		a.Created = created
		noErr(t, err, "UpdateAccount with the current version must succeed")
		if u.Version != 2 || u.ProvisioningEnabled || !slices.Equal(u.AllowedDomains, a.AllowedDomains) || !u.Created.Equal(a.Created) {
			fail(t, "UpdateAccount replaces the settings, keeps Created and bumps the version by one", "got %+v", u)
		}
		if u.Modified.Before(a.Modified) {
			fail(t, "UpdateAccount does not move Modified backwards", "got %v, was %v", u.Modified, a.Modified)
		}
		got, err := s.GetAccount(ctx, a.ID)
		noErr(t, err, "GetAccount after UpdateAccount")
		if got.Version != 2 || got.ProvisioningEnabled || !slices.Equal(got.AllowedDomains, a.AllowedDomains) {
			fail(t, "GetAccount returns the updated account", "got %+v", got)
		}

		stale := a // version 1
		stale.ProvisioningEnabled = true
		stale.AllowedDomains = []string{"z.example"}
		_, err = s.UpdateAccount(ctx, stale)
		isErr(t, err, store.ErrVersionMismatch, "UpdateAccount with a stale version is ErrVersionMismatch")
		got, err = s.GetAccount(ctx, a.ID)
		noErr(t, err, "GetAccount after a stale UpdateAccount")
		if got.Version != 2 || got.ProvisioningEnabled || !slices.Equal(got.AllowedDomains, a.AllowedDomains) {
			fail(t, "a stale UpdateAccount changes nothing", "got %+v", got)
		}

		_, err = s.UpdateAccount(ctx, store.Account{ID: "storetest-missing-" + randomID(), Version: 1})
		isErr(t, err, store.ErrNotFound, "UpdateAccount of an unknown account is ErrNotFound")
	}},
	{"IdP", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, err := s.CreateAccount(ctx, store.Account{ID: "storetest-" + randomID(), IdP: store.IdPEntra})
		noErr(t, err, "CreateAccount with an IdP must succeed")
		if a.IdP != store.IdPEntra {
			fail(t, "CreateAccount keeps IdP", "got %q, want %q", a.IdP, store.IdPEntra)
		}
		got, err := s.GetAccount(ctx, a.ID)
		noErr(t, err, "GetAccount of a created account must succeed")
		if got.IdP != store.IdPEntra {
			fail(t, "GetAccount returns the IdP CreateAccount stored", "got %q, want %q", got.IdP, store.IdPEntra)
		}
		got.IdP = "acme-hr" // a name the host registered
		u, err := s.UpdateAccount(ctx, got)
		noErr(t, err, "UpdateAccount changing the IdP must succeed")
		if u.IdP != "acme-hr" || u.Version != 2 {
			fail(t, "UpdateAccount replaces the IdP and bumps the version", "got %+v", u)
		}
		again, err := s.GetAccount(ctx, a.ID)
		noErr(t, err, "GetAccount after UpdateAccount")
		if again.IdP != "acme-hr" {
			fail(t, "GetAccount returns the IdP UpdateAccount stored", "got %q, want %q", again.IdP, "acme-hr")
		}
		again.IdP = ""
		u, err = s.UpdateAccount(ctx, again)
		noErr(t, err, "UpdateAccount clearing the IdP must succeed")
		if got, _ := s.GetAccount(ctx, a.ID); u.IdP != "" || got.IdP != "" {
			fail(t, "UpdateAccount clears the IdP (empty: the handler's default)", "returned %q, stored %q", u.IdP, got.IdP)
		}
		plain, err := s.GetAccount(ctx, newAccount(t, s))
		noErr(t, err, "GetAccount of a created account must succeed")
		if plain.IdP != "" {
			fail(t, "an account created without an IdP has none", "got %q", plain.IdP)
		}
	}},
	{"AccountIDs", func(t *testing.T, s store.Store) {
		var mine []string
		for range 3 {
			mine = append(mine, newAccount(t, s))
		}
		ids, err := s.AccountIDs(t.Context())
		noErr(t, err, "AccountIDs must succeed")
		// Other accounts may exist in a shared store: ours must appear, in
		// creation order.
		var seen []string
		for _, id := range ids {
			if slices.Contains(mine, id) {
				seen = append(seen, id)
			}
		}
		if !slices.Equal(seen, mine) {
			fail(t, "AccountIDs returns every account in creation order", "our accounts appear as %q, want %q", seen, mine)
		}
	}},
}

func hash(s string) [32]byte { return sha256.Sum256([]byte(s + randomID())) }

var tokenTests = []test{
	{"AddLookup", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		h := hash("secret")
		tok, err := s.AddToken(ctx, b, store.Token{Hash: h, Label: "okta", ID: "chosen", AccountID: a, Created: ts(1, 1)})
		noErr(t, err, "AddToken must succeed")
		if tok.ID == "" || tok.ID == "chosen" || tok.AccountID != b || tok.Hash != h || tok.Label != "okta" || tok.Created.IsZero() || tok.Created.Equal(ts(1, 1)) {
			fail(t, "AddToken keeps Hash and Label and sets ID, AccountID and Created", "got %+v", tok)
		}
		_, err = s.AddToken(ctx, a, store.Token{Hash: hash("other"), Label: "entra"})
		noErr(t, err, "AddToken of a second account must succeed")
		got, err := s.TokenByHash(ctx, h)
		noErr(t, err, "TokenByHash finds a stored token whatever its account")
		if got.ID != tok.ID || got.AccountID != b || got.Label != "okta" || got.Hash != h {
			fail(t, "TokenByHash returns the token with its account", "got %+v, want %+v", got, tok)
		}
		_, err = s.TokenByHash(ctx, hash("unknown"))
		isErr(t, err, store.ErrNotFound, "TokenByHash of an unknown hash is ErrNotFound")
		_, err = s.AddToken(ctx, "storetest-missing-"+randomID(), store.Token{Hash: hash("x")})
		isErr(t, err, store.ErrNotFound, "AddToken to an unknown account is ErrNotFound")
	}},
	{"Conflict", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a, b := newAccount(t, s), newAccount(t, s)
		h := hash("secret")
		_, err := s.AddToken(ctx, a, store.Token{Hash: h})
		noErr(t, err, "AddToken must succeed")
		_, err = s.AddToken(ctx, a, store.Token{Hash: h})
		isErr(t, err, store.ErrConflict, "AddToken of a hash already stored in the account is ErrConflict")
		_, err = s.AddToken(ctx, b, store.Token{Hash: h})
		isErr(t, err, store.ErrConflict, "AddToken of a hash already stored in another account is ErrConflict")
		got, err := s.TokenByHash(ctx, h)
		noErr(t, err, "TokenByHash after refused duplicates")
		if got.AccountID != a {
			fail(t, "a refused AddToken changes nothing", "the hash now authenticates account %q, want %q", got.AccountID, a)
		}
		tb, err := s.ListTokens(ctx, b)
		noErr(t, err, "ListTokens")
		if len(tb) != 0 {
			fail(t, "a refused AddToken stores nothing", "account has %d tokens", len(tb))
		}
	}},
	{"ListRevoke", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a := newAccount(t, s)
		ts, err := s.ListTokens(ctx, a)
		noErr(t, err, "ListTokens of an account without tokens is not an error")
		if len(ts) != 0 {
			fail(t, "ListTokens of a new account is empty", "got %+v", ts)
		}
		var ids []string
		var hashes [][32]byte
		for _, l := range []string{"one", "two", "three"} {
			h := hash(l)
			tok, err := s.AddToken(ctx, a, store.Token{Hash: h, Label: l})
			noErr(t, err, "AddToken must succeed")
			ids, hashes = append(ids, tok.ID), append(hashes, h)
		}
		ts, err = s.ListTokens(ctx, a)
		noErr(t, err, "ListTokens must succeed")
		got := make([]string, len(ts))
		for i, tok := range ts {
			got[i] = tok.ID
		}
		if !slices.Equal(got, ids) {
			fail(t, "ListTokens returns the account's tokens in creation order", "got %q, want %q", got, ids)
		}
		noErr(t, s.RevokeToken(ctx, a, ids[1]), "RevokeToken of a stored token must succeed")
		_, err = s.TokenByHash(ctx, hashes[1])
		isErr(t, err, store.ErrNotFound, "a revoked token stops authenticating at once (TokenByHash is ErrNotFound)")
		if _, err := s.TokenByHash(ctx, hashes[0]); err != nil {
			fail(t, "RevokeToken revokes only the named token", "other token: %v", err)
		}
		ts, err = s.ListTokens(ctx, a)
		noErr(t, err, "ListTokens must succeed")
		if len(ts) != 2 || ts[0].ID != ids[0] || ts[1].ID != ids[2] {
			fail(t, "ListTokens no longer lists a revoked token", "got %+v", ts)
		}
		isErr(t, s.RevokeToken(ctx, a, ids[1]), store.ErrNotFound, "RevokeToken of an already revoked token is ErrNotFound")
		_, err = s.ListTokens(ctx, "storetest-missing-"+randomID())
		isErr(t, err, store.ErrNotFound, "ListTokens of an unknown account is ErrNotFound")
	}},
}
