package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync"
)

const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	patchSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	entraGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
)

// sim plays one IdP's traffic against a SCIM service and remembers what it
// asked for, so that the end state can be checked.
type sim struct {
	c   *client
	cfg config

	users  []simUser  // by index; id empty until imported
	ids    []string   // users[i].id, fixed once the import is over
	groups []simGroup // by index
}

// simUser is the simulator's view of one user: the last values it wrote.
type simUser struct {
	userName    string
	id          string
	displayName string
	active      bool
}

// simGroup is one pushed group and the membership the simulator last set.
type simGroup struct {
	name    string
	id      string
	members map[string]bool // user ids
}

// failure is an answer the simulator did not expect (a 4xx other than 429
// or a 5xx); it is counted, and the scenario goes on.
type failure struct {
	op     string
	status int
	detail string
}

func (s *sim) userName(i int) string {
	return fmt.Sprintf("%s%07d@%s", s.cfg.prefix, i, s.cfg.domain)
}

func (s *sim) groupName(i int) string { return fmt.Sprintf("%s group %04d", s.cfg.prefix, i) }

// parallel runs f(w) on cfg.workers goroutines and waits for them.
func (s *sim) parallel(f func(w int)) {
	var wg sync.WaitGroup
	for w := range s.cfg.workers {
		wg.Go(func() { f(w) })
	}
	wg.Wait()
}

// expect turns an answer into an error unless its status is one of want.
func expect(op string, r response, err error, want ...int) error {
	if err != nil {
		return err
	}
	if slices.Contains(want, r.status) {
		return nil
	}
	var body struct {
		Detail string `json:"detail"`
	}
	_ = r.decode(&body)
	return failure{op: op, status: r.status, detail: body.Detail}
}

func (f failure) Error() string {
	return fmt.Sprintf("%s: unexpected status %d: %s", f.op, f.status, f.detail)
}

// stopErr reports whether err ends the whole run (context done or budget
// used up) rather than one step.
func stopErr(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, errBudget)
}

type listResponse struct {
	TotalResults int              `json:"totalResults"`
	Resources    []map[string]any `json:"Resources"`
}

// importUsers is the IdP's first sync: for each user a lookup by userName,
// then a create if it is not there yet (a re-run finds them all).
func (s *sim) importUsers(ctx context.Context, report func(error)) {
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range s.users {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		s.ids = make([]string, len(s.users))
		for i, u := range s.users {
			s.ids[i] = u.id
		}
	}()
	s.parallel(func(int) {
		for i := range next {
			if err := s.importUser(ctx, i); err != nil {
				report(err)
				if stopErr(ctx, err) {
					return
				}
			}
		}
	})
}

func (s *sim) importUser(ctx context.Context, i int) error {
	u := &s.users[i]
	u.userName = s.userName(i)
	q := "/Users?filter=" + url.QueryEscape(fmt.Sprintf("userName eq %q", u.userName))
	if s.cfg.idp == "okta" {
		q += "&startIndex=1&count=100"
	}
	r, err := s.c.do(ctx, "user.lookup", "GET", q, nil)
	if err := expect("user.lookup", r, err, 200); err != nil {
		return err
	}
	var list listResponse
	if err := r.decode(&list); err != nil {
		return fmt.Errorf("user.lookup: %w", err)
	}
	u.displayName = fmt.Sprintf("Sim User %d", i)
	u.active = true
	if list.TotalResults > 0 {
		id, _ := list.Resources[0]["id"].(string)
		u.id = id
		if dn, ok := list.Resources[0]["displayName"].(string); ok {
			u.displayName = dn
		}
		if a, ok := list.Resources[0]["active"].(bool); ok {
			u.active = a
		}
		return nil
	}
	r, err = s.c.do(ctx, "user.create", "POST", "/Users", s.createBody(i, u))
	if err := expect("user.create", r, err, 201); err != nil {
		return err
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := r.decode(&created); err != nil || created.ID == "" {
		return fmt.Errorf("user.create: no id in the answer")
	}
	u.id = created.ID
	return nil
}

func (s *sim) createBody(i int, u *simUser) map[string]any {
	given, family := "Sim", fmt.Sprintf("User%d", i)
	email := []map[string]any{{"primary": true, "value": u.userName, "type": "work"}}
	if s.cfg.idp == "entra" {
		return map[string]any{
			"schemas":     []string{userSchema, enterpriseSchema},
			"externalId":  fmt.Sprintf("%s%07d", s.cfg.prefix, i),
			"userName":    u.userName,
			"active":      true,
			"displayName": u.displayName,
			"emails":      email,
			"meta":        map[string]any{"resourceType": "User"},
			"name":        map[string]any{"formatted": given + " " + family, "familyName": family, "givenName": given},
			"roles":       []any{},
			"addresses":   nil,
			enterpriseSchema: map[string]any{
				"employeeNumber": fmt.Sprint(i),
				"department":     fmt.Sprintf("Dept %d", i%17),
			},
		}
	}
	return map[string]any{
		"schemas":     []string{userSchema},
		"userName":    u.userName,
		"name":        map[string]any{"givenName": given, "familyName": family},
		"emails":      email,
		"displayName": u.displayName,
		"locale":      "en-US",
		"externalId":  fmt.Sprintf("00u%s%07d", s.cfg.prefix, i),
		"groups":      []any{},
		"password":    "sim-Passw0rd",
		"active":      true,
	}
}

// pushGroups creates each group (after a displayName lookup) and fills it
// with groupSize imported users, memberBatch per PATCH.
func (s *sim) pushGroups(ctx context.Context, report func(error)) {
	s.parallel(func(w int) {
		for g := w; g < len(s.groups); g += s.cfg.workers {
			if err := s.pushGroup(ctx, g); err != nil {
				report(err)
				if stopErr(ctx, err) {
					return
				}
			}
		}
	})
}

func (s *sim) pushGroup(ctx context.Context, g int) error {
	grp := &s.groups[g]
	grp.name = s.groupName(g)
	grp.members = map[string]bool{}
	r, err := s.c.do(ctx, "group.lookup", "GET", "/Groups?filter="+url.QueryEscape(fmt.Sprintf("displayName eq %q", grp.name))+"&excludedAttributes=members", nil)
	if err := expect("group.lookup", r, err, 200); err != nil {
		return err
	}
	var list listResponse
	if err := r.decode(&list); err != nil {
		return fmt.Errorf("group.lookup: %w", err)
	}
	if list.TotalResults > 0 {
		grp.id, _ = list.Resources[0]["id"].(string)
		// A re-run replaces the membership below, so start from nothing
		// known and let the first batch replace.
	} else {
		body := map[string]any{"schemas": []string{groupSchema}, "displayName": grp.name, "members": []any{}}
		if s.cfg.idp == "entra" {
			body = map[string]any{"schemas": []string{groupSchema, entraGroupSchema}, "displayName": grp.name,
				"externalId": fmt.Sprintf("%s-g%04d", s.cfg.prefix, g), "meta": map[string]any{"resourceType": "Group"}}
		}
		r, err = s.c.do(ctx, "group.create", "POST", "/Groups", body)
		if err := expect("group.create", r, err, 201); err != nil {
			return err
		}
		var created struct {
			ID string `json:"id"`
		}
		if err := r.decode(&created); err != nil || created.ID == "" {
			return fmt.Errorf("group.create: no id in the answer")
		}
		grp.id = created.ID
	}
	var ids []string
	for k := range s.cfg.groupSize {
		if id := s.ids[(g*s.cfg.groupSize+k)%len(s.ids)]; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	first := list.TotalResults > 0
	for len(ids) > 0 {
		n := min(s.cfg.memberBatch, len(ids))
		batch := ids[:n]
		ids = ids[n:]
		values := make([]map[string]any, len(batch))
		for i, id := range batch {
			values[i] = map[string]any{"value": id}
		}
		op := map[string]any{"op": s.opName("add"), "path": "members", "value": values}
		if first {
			op["op"] = s.opName("replace")
			first = false
		}
		r, err := s.c.do(ctx, "group.members", "PATCH", "/Groups/"+grp.id,
			map[string]any{"schemas": []string{patchSchema}, "Operations": []any{op}})
		if err := expect("group.members", r, err, 200, 204); err != nil {
			return err
		}
		for _, id := range batch {
			grp.members[id] = true
		}
	}
	return nil
}

// opName spells a PATCH op as the IdP does (Entra capitalises).
func (s *sim) opName(op string) string {
	if s.cfg.idp == "entra" {
		return string(op[0]-'a'+'A') + op[1:]
	}
	return op
}

// churn is the steady state: profile updates (Okta reads first),
// deactivations and reactivations, membership removals and re-adds, and
// reads, until stop is closed. Requests run under ctx, so that the end of
// the churn never abandons a request the service may already have applied.
// Worker w owns users and groups whose index is w modulo workers, so the
// last value written to each is well defined.
func (s *sim) churn(ctx context.Context, stop <-chan struct{}, report func(error)) {
	s.parallel(func(w int) {
		rng := rand.New(rand.NewPCG(s.cfg.seed, uint64(w)))
		var mine []int
		for i := w; i < len(s.users); i += s.cfg.workers {
			if s.users[i].id != "" {
				mine = append(mine, i)
			}
		}
		var myGroups []int
		for g := w; g < len(s.groups); g += s.cfg.workers {
			if s.groups[g].id != "" {
				myGroups = append(myGroups, g)
			}
		}
		if len(mine) == 0 {
			return
		}
		for v := 1; ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			var err error
			switch p := rng.IntN(100); {
			case p < 55:
				err = s.updateUser(ctx, mine[rng.IntN(len(mine))], v)
			case p < 75:
				err = s.toggleActive(ctx, mine[rng.IntN(len(mine))])
			case p < 90 && len(myGroups) > 0:
				err = s.churnMember(ctx, myGroups[rng.IntN(len(myGroups))], rng)
			default:
				u := s.users[mine[rng.IntN(len(mine))]]
				r, e := s.c.do(ctx, "user.get", "GET", "/Users/"+u.id, nil)
				err = expect("user.get", r, e, 200)
			}
			if err != nil {
				report(err)
				if stopErr(ctx, err) {
					return
				}
			}
		}
	})
}

func (s *sim) updateUser(ctx context.Context, i, v int) error {
	u := &s.users[i]
	dn := fmt.Sprintf("Sim User %d v%d", i, v)
	var body map[string]any
	if s.cfg.idp == "entra" {
		body = map[string]any{"schemas": []string{patchSchema}, "Operations": []any{
			map[string]any{"op": "Replace", "path": "displayName", "value": dn},
			map[string]any{"op": "Replace", "path": "name.familyName", "value": fmt.Sprintf("User%d v%d", i, v)},
		}}
	} else {
		// Okta reads the user before every update.
		r, err := s.c.do(ctx, "user.get", "GET", "/Users/"+u.id, nil)
		if err := expect("user.get", r, err, 200); err != nil {
			return err
		}
		body = map[string]any{"schemas": []string{patchSchema}, "Operations": []any{
			map[string]any{"op": "replace", "value": map[string]any{
				"name":        map[string]any{"givenName": "Sim", "familyName": fmt.Sprintf("User%d v%d", i, v)},
				"displayName": dn,
			}},
		}}
	}
	r, err := s.c.do(ctx, "user.update", "PATCH", "/Users/"+u.id, body)
	if err := expect("user.update", r, err, 200, 204); err != nil {
		return err
	}
	u.displayName = dn
	return nil
}

func (s *sim) toggleActive(ctx context.Context, i int) error {
	u := &s.users[i]
	to := !u.active
	op := "user.deactivate"
	if to {
		op = "user.reactivate"
	}
	var o map[string]any
	if s.cfg.idp == "entra" {
		val := "False"
		if to {
			val = "True"
		}
		o = map[string]any{"op": "Replace", "path": "active", "value": val}
	} else {
		o = map[string]any{"op": "replace", "value": map[string]any{"active": to}}
	}
	r, err := s.c.do(ctx, op, "PATCH", "/Users/"+u.id, map[string]any{"schemas": []string{patchSchema}, "Operations": []any{o}})
	if err := expect(op, r, err, 200, 204); err != nil {
		return err
	}
	u.active = to
	return nil
}

// churnMember removes one member of the group, or adds back one of the
// users the group is meant to hold.
func (s *sim) churnMember(ctx context.Context, g int, rng *rand.Rand) error {
	grp := &s.groups[g]
	k := rng.IntN(max(s.cfg.groupSize, 1))
	id := s.ids[(g*s.cfg.groupSize+k)%len(s.ids)]
	if id == "" {
		return nil
	}
	var o map[string]any
	if grp.members[id] {
		if s.cfg.idp == "entra" {
			o = map[string]any{"op": "Remove", "path": "members", "value": []any{map[string]any{"value": id}}}
		} else {
			o = map[string]any{"op": "remove", "path": fmt.Sprintf("members[value eq %q]", id)}
		}
	} else {
		o = map[string]any{"op": s.opName("add"), "path": "members", "value": []any{map[string]any{"value": id}}}
	}
	r, err := s.c.do(ctx, "group.members", "PATCH", "/Groups/"+grp.id, map[string]any{"schemas": []string{patchSchema}, "Operations": []any{o}})
	if err := expect("group.members", r, err, 200, 204); err != nil {
		return err
	}
	if grp.members[id] {
		delete(grp.members, id)
	} else {
		grp.members[id] = true
	}
	return nil
}

// verification is what the service holds compared with what the
// simulator last wrote.
type verification struct {
	Expected, Found  int // users
	Missing          int // users the simulator created that are gone
	Duplicates       int // userNames listed more than once
	LostUpdates      int // users whose displayName or active differs from the last write
	GroupsChecked    int
	MembershipDrifts int      // groups whose members differ from the last membership set
	Examples         []string // the first few differences, for the report
}

func (v *verification) note(format string, args ...any) {
	if len(v.Examples) < 5 {
		v.Examples = append(v.Examples, fmt.Sprintf(format, args...))
	}
}

// verify lists every simulated user by a userName prefix filter and reads
// every pushed group.
func (s *sim) verify(ctx context.Context) (verification, error) {
	var v verification
	seen := map[string]map[string]any{}
	filter := url.QueryEscape(fmt.Sprintf("userName sw %q", s.cfg.prefix))
	for start := 1; ; start += 100 {
		r, err := s.c.do(ctx, "verify.list", "GET", fmt.Sprintf("/Users?filter=%s&startIndex=%d&count=100", filter, start), nil)
		if err := expect("verify.list", r, err, 200); err != nil {
			return v, err
		}
		var list listResponse
		if err := r.decode(&list); err != nil {
			return v, err
		}
		for _, res := range list.Resources {
			name, _ := res["userName"].(string)
			if _, dup := seen[name]; dup {
				v.Duplicates++
			}
			seen[name] = res
		}
		if len(list.Resources) == 0 || start+len(list.Resources) > list.TotalResults {
			break
		}
	}
	v.Found = len(seen)
	for _, u := range s.users {
		if u.id == "" {
			continue
		}
		v.Expected++
		res, ok := seen[u.userName]
		if !ok {
			v.Missing++
			v.note("user %s (%s) missing", u.id, u.userName)
			continue
		}
		dn, _ := res["displayName"].(string)
		active, _ := res["active"].(bool)
		if dn != u.displayName || active != u.active {
			v.LostUpdates++
			v.note("user %s: displayName %q active %v, last written %q active %v", u.id, dn, active, u.displayName, u.active)
		}
	}
	for _, g := range s.groups {
		if g.id == "" {
			continue
		}
		r, err := s.c.do(ctx, "verify.group", "GET", "/Groups/"+g.id, nil)
		if err := expect("verify.group", r, err, 200); err != nil {
			return v, err
		}
		var body struct {
			Members []struct {
				Value string `json:"value"`
			} `json:"members"`
		}
		if err := r.decode(&body); err != nil {
			return v, err
		}
		v.GroupsChecked++
		got := map[string]bool{}
		for _, m := range body.Members {
			got[m.Value] = true
		}
		if len(got) != len(g.members) {
			v.MembershipDrifts++
			v.note("group %s: %d members, last set %d", g.id, len(got), len(g.members))
			continue
		}
		for id := range g.members {
			if !got[id] {
				v.MembershipDrifts++
				v.note("group %s: member %s missing", g.id, id)
				break
			}
		}
	}
	return v, nil
}
