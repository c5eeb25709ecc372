package store

import (
	"fmt"
	"unicode/utf8"
)

// MaxIndexedLen is the longest value, in bytes of UTF-8, of a string the
// store indexes: an account id, a userName, a user's or group's
// externalId, an email value and a group's displayName. The limit applies
// to the value as given and to its Fold (which NFKC can lengthen), so that
// it holds whatever the adapter keys on. 1,024 bytes is far above any real
// identifier (an email address has at most 254) and keeps an index entry
// of an account id and a folded key under PostgreSQL's B-tree row limit of
// about 2.7 KB. Other strings (names, titles, extension values) have no
// store limit; the SCIM layer's request body cap bounds them.
//
// Every adapter refuses a longer value with an *InvalidError naming the
// attribute (CheckAccountID, CheckUser and CheckGroup say exactly what is
// refused; adapters call them rather than re-implement them).
const MaxIndexedLen = 1024

// InvalidError is the rich form of ErrInvalid: it names the attribute at
// fault and says why, in words an administrator can act on. It matches
// ErrInvalid with errors.Is.
type InvalidError struct {
	// Attribute is the SCIM attribute refused ("userName", "externalId",
	// "emails", "displayName", or "id" for an account).
	Attribute string
	// Reason completes "<Attribute> ...": "must not be empty", "must be
	// at most 1024 bytes".
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("store: invalid value: %s %s", e.Attribute, e.Reason)
}

// Is reports whether target is ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// checkIndexed refuses v when it or its Fold is longer than MaxIndexedLen.
func checkIndexed(attr, v string) error {
	if len(v) > MaxIndexedLen || (!isASCII(v) && len(Fold(v)) > MaxIndexedLen) {
		return &InvalidError{Attribute: attr, Reason: fmt.Sprintf("must be at most %d bytes (%d characters given)", MaxIndexedLen, utf8.RuneCountInString(v))}
	}
	return nil
}

// CheckAccountID reports an *InvalidError if id cannot be an account id:
// empty, or longer than MaxIndexedLen.
func CheckAccountID(id string) error {
	if id == "" {
		return &InvalidError{Attribute: "id", Reason: "must not be empty"}
	}
	return checkIndexed("id", id)
}

// CheckUser reports an *InvalidError for the first value of u the store
// contract refuses: an empty userName, a State that is not Valid, or an
// indexed string (userName, externalId, an email value) longer than
// MaxIndexedLen. Adapters call it first in CreateUser and UpdateUser.
func CheckUser(u *User) error {
	if u.UserName == "" {
		return &InvalidError{Attribute: AttrUserName, Reason: "must not be empty"}
	}
	if !u.State.Valid() {
		return &InvalidError{Attribute: "state", Reason: fmt.Sprintf("%q is not a user state", u.State)}
	}
	if err := checkIndexed(AttrUserName, u.UserName); err != nil {
		return err
	}
	if err := checkIndexed(AttrExternalID, u.ExternalID); err != nil {
		return err
	}
	for _, e := range u.Emails {
		if err := checkIndexed(AttrEmails, e.Value); err != nil {
			return err
		}
	}
	return nil
}

// CheckGroup reports an *InvalidError for the first value of g the store
// contract refuses: an empty displayName, or a displayName or externalId
// longer than MaxIndexedLen. Adapters call it in CreateGroup and, on the
// group as it would be after the update, in UpdateGroup.
func CheckGroup(g *Group) error {
	if g.DisplayName == "" {
		return &InvalidError{Attribute: AttrDisplayName, Reason: "must not be empty"}
	}
	if err := checkIndexed(AttrDisplayName, g.DisplayName); err != nil {
		return err
	}
	return checkIndexed(AttrExternalID, g.ExternalID)
}

// CheckGroupUpdate reports an *InvalidError for the first part of upd the
// store contract refuses: an empty or too long new displayName, a too long
// new externalId, member deltas together with ReplaceMembers, or an id both
// added and removed. Adapters call it first in UpdateGroup.
func CheckGroupUpdate(upd *GroupUpdate) error {
	if upd.DisplayName != nil {
		if *upd.DisplayName == "" {
			return &InvalidError{Attribute: AttrDisplayName, Reason: "must not be empty"}
		}
		if err := checkIndexed(AttrDisplayName, *upd.DisplayName); err != nil {
			return err
		}
	}
	if upd.ExternalID != nil {
		if err := checkIndexed(AttrExternalID, *upd.ExternalID); err != nil {
			return err
		}
	}
	if upd.ReplaceMembers && (len(upd.AddMembers) > 0 || len(upd.RemoveMembers) > 0) {
		return &InvalidError{Attribute: AttrMembers, Reason: "cannot be replaced and changed by deltas in one update"}
	}
	if len(upd.AddMembers) > 0 && len(upd.RemoveMembers) > 0 {
		add := make(map[string]struct{}, len(upd.AddMembers))
		for _, m := range upd.AddMembers {
			add[m] = struct{}{}
		}
		for _, m := range upd.RemoveMembers {
			if _, ok := add[m]; ok {
				return &InvalidError{Attribute: AttrMembers, Reason: fmt.Sprintf("cannot both add and remove %q in one update", m)}
			}
		}
	}
	return nil
}
