package memstore

import (
	"time"

	"github.com/scimkit/scimkit/store"
)

// userRec is a stored user, laid out for memory: the fields a typical
// IdP-provisioned user has are inline, the rarely set ones live in more,
// which is nil when they are all empty. This keeps a typical Okta user,
// with its indexes, well under 1 KiB. Its fields are guarded by its
// account's lock.
type userRec struct {
	slot              int
	version           int64
	created, modified time.Time
	id, externalID    string
	userName          string
	displayName       string
	givenName         string
	familyName        string
	locale            string
	emails            []store.Email
	state             store.UserState
	linked            bool
	more              *userMore
}

// userMore holds the rarely set fields of a user.
type userMore struct {
	formatted, middleName             string
	honorificPrefix, honorificSuffix  string
	nickName, title, userType         string
	preferredLanguage, timezone       string
	enterprise                        store.Enterprise
	extra                             map[string]any
	invitedAt, remindedAt, acceptedAt time.Time
}

func (r *userRec) setSlot(i int) { r.slot = i }

// set stores u in r. u must not be shared with the caller (Clone it first).
func (r *userRec) set(u *store.User) {
	r.version, r.created, r.modified = u.Version, u.Created, u.Modified
	r.id, r.externalID, r.userName, r.displayName = u.ID, u.ExternalID, u.UserName, u.DisplayName
	r.givenName, r.familyName, r.locale = u.Name.GivenName, u.Name.FamilyName, u.Locale
	r.emails, r.state, r.linked = u.Emails, u.State, u.Linked
	m := userMore{
		formatted: u.Name.Formatted, middleName: u.Name.MiddleName,
		honorificPrefix: u.Name.HonorificPrefix, honorificSuffix: u.Name.HonorificSuffix,
		nickName: u.NickName, title: u.Title, userType: u.UserType,
		preferredLanguage: u.PreferredLanguage, timezone: u.Timezone,
		enterprise: u.Enterprise, extra: u.Extra,
		invitedAt: u.InvitedAt, remindedAt: u.RemindedAt, acceptedAt: u.AcceptedAt,
	}
	if m.isZero() {
		r.more = nil
	} else {
		r.more = &m
	}
}

func (m *userMore) isZero() bool {
	return m.formatted == "" && m.middleName == "" && m.honorificPrefix == "" && m.honorificSuffix == "" &&
		m.nickName == "" && m.title == "" && m.userType == "" && m.preferredLanguage == "" && m.timezone == "" &&
		m.enterprise == store.Enterprise{} && m.extra == nil &&
		m.invitedAt.IsZero() && m.remindedAt.IsZero() && m.acceptedAt.IsZero()
}

// awaitsReminder reports whether a reminder may still be claimed for the
// user: invited, with InvitedAt set and no RemindedAt.
func (r *userRec) awaitsReminder() bool {
	return r.state == store.StateInvited && r.more != nil &&
		!r.more.invitedAt.IsZero() && r.more.remindedAt.IsZero()
}

// view returns the user r holds, sharing its Emails and Extra: for reading
// only (filters). Use clone for anything that leaves the store.
func (r *userRec) view() store.User {
	u := store.User{
		ID: r.id, ExternalID: r.externalID, UserName: r.userName, DisplayName: r.displayName,
		Name:   store.Name{GivenName: r.givenName, FamilyName: r.familyName},
		Locale: r.locale, Emails: r.emails, State: r.state, Linked: r.linked,
		Created: r.created, Modified: r.modified, Version: r.version,
	}
	if m := r.more; m != nil {
		u.Name.Formatted, u.Name.MiddleName = m.formatted, m.middleName
		u.Name.HonorificPrefix, u.Name.HonorificSuffix = m.honorificPrefix, m.honorificSuffix
		u.NickName, u.Title, u.UserType = m.nickName, m.title, m.userType
		u.PreferredLanguage, u.Timezone = m.preferredLanguage, m.timezone
		u.Enterprise, u.Extra = m.enterprise, m.extra
		u.InvitedAt, u.RemindedAt, u.AcceptedAt = m.invitedAt, m.remindedAt, m.acceptedAt
	}
	return u
}

// clone returns a deep copy of the user r holds.
func (r *userRec) clone() store.User {
	u := r.view()
	return u.Clone()
}
