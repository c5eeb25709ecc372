package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

func TestBasic(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	if _, err := s.CreateAccount(ctx, store.Account{ID: "acme"}); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, "acme", store.User{UserName: "Ann@X.com", State: store.StateActive,
		Emails: []store.Email{{Value: "Ann@X.com", Type: "work", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByUserName(ctx, "acme", "ann@x.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("lookup: %v %v", got, err)
	}
	_, err = s.CreateUser(ctx, "acme", store.User{UserName: "ANN@x.com", State: store.StateActive})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	g, err := s.CreateGroup(ctx, "acme", store.Group{DisplayName: "Eng"}, []string{u.ID})
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ListGroups(ctx, "acme", store.Query{Filter: store.ValuePath{Attr: store.AttrMembers,
		Filter: store.Compare{Attr: "value", Op: store.OpEq, Value: u.ID}}, Count: 10})
	if err != nil || page.Total != 1 || page.Groups[0].ID != g.ID {
		t.Fatalf("members filter: %+v %v", page, err)
	}
	page2, err := s.ListUsers(ctx, "acme", store.Query{Filter: store.Compare{Attr: store.AttrEmailValue, Op: store.OpCo, Value: "X.COM"}, Count: 10})
	if err != nil || page2.Total != 1 {
		t.Fatalf("co filter: %+v %v", page2, err)
	}
	if err := s.DeleteUser(ctx, "acme", u.ID); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Members(ctx, "acme", g.ID)
	if err != nil || ms == nil || len(ms) != 0 {
		t.Fatalf("members after delete: %v %v", ms, err)
	}
}
