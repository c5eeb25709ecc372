package mapping

import (
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// TestFieldsAreTheStoreTable checks that the Field* constants are exactly
// the host fields store.UserAttributes declares (plus FieldEmail), so that
// the table stays the one declaration.
func TestFieldsAreTheStoreTable(t *testing.T) {
	consts := []string{
		FieldUserName, FieldExternalID, FieldGivenName, FieldFamilyName, FieldFormattedName,
		FieldMiddleName, FieldHonorificPrefix, FieldHonorificSuffix, FieldDisplayName,
		FieldNickName, FieldTitle, FieldUserType, FieldLocale, FieldPreferredLanguage,
		FieldTimezone, FieldEmployeeNumber, FieldDepartment, FieldCostCenter,
		FieldOrganization, FieldDivision, FieldManagerID,
	}
	var table []string
	for a := range store.UserAttributes() {
		if a.Field != "" {
			table = append(table, a.Field)
		}
	}
	slices.Sort(consts)
	slices.Sort(table)
	if !slices.Equal(consts, table) {
		t.Fatalf("Field* constants %q, store.UserAttributes fields %q", consts, table)
	}
	for _, f := range consts {
		u := store.User{}
		kind, _, str := parseField(f)
		if kind != fkString || str == nil {
			t.Fatalf("parseField(%q) = %v, want a string field", f, kind)
		}
		*str(&u) = "x"
		if u.UserName == "" && u.ExternalID == "" && u.Name == (store.Name{}) && u.Enterprise == (store.Enterprise{}) &&
			u.DisplayName == "" && u.NickName == "" && u.Title == "" && u.UserType == "" && u.Locale == "" &&
			u.PreferredLanguage == "" && u.Timezone == "" {
			t.Fatalf("the accessor of %q writes no field of store.User", f)
		}
	}
	if kind, _, _ := parseField(FieldEmail); kind != fkEmail {
		t.Fatalf("parseField(FieldEmail) = %v", kind)
	}
}
