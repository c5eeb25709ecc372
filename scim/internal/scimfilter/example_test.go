package scimfilter_test

import (
	"errors"
	"fmt"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// The fast path answers the lookups identity providers send; anything else
// falls back to the general path.
func ExampleParseSimple() {
	for _, raw := range []string{
		`userName eq "a@x.com"`,
		`emails[type eq "work"].value eq "a@x.com"`,
		`userName eq "a@x.com" or userName eq "b@x.com"`,
	} {
		if f, ok := scimfilter.ParseSimple(raw, scimfilter.Users); ok {
			fmt.Printf("fast:    %+v\n", f)
			continue
		}
		f, err := scimfilter.Parse(raw, scimfilter.Users)
		fmt.Printf("general: %+v %v\n", f, err)
	}
	// Output:
	// fast:    {Attr:userName Op:eq Value:a@x.com}
	// fast:    {Attr:emails Filter:{Filters:[{Attr:type Op:eq Value:work} {Attr:value Op:eq Value:a@x.com}]}}
	// general: {Filters:[{Attr:userName Op:eq Value:a@x.com} {Attr:userName Op:eq Value:b@x.com}]} <nil>
}

// Errors carry a detail meant for the IdP's administrator.
func ExampleParse_error() {
	_, err := scimfilter.Parse(`meta.created gt "yesterday"`, scimfilter.Users)
	var fe *scimfilter.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Detail)
	}
	_, err = scimfilter.Parse(`members.display eq "Ann"`, scimfilter.Groups)
	fmt.Println(err)
	// Output:
	// "meta.created" needs an RFC 3339 date-time such as "2026-01-02T15:04:05Z", got "yesterday"
	// scimfilter: filtering on "members.display" is not supported; supported attributes are id, externalId, displayName, members, members.value, meta.created, meta.lastModified
}

// FromExpression converts the tree elimity hands a list handler
// (params.FilterValidator.GetFilter()); here the tree comes straight from
// the filter-parser.
func ExampleFromExpression() {
	e, err := filter.ParseFilter([]byte(`id eq "g1" and members[value eq "u1"]`))
	if err != nil {
		panic(err)
	}
	f, err := scimfilter.FromExpression(e, scimfilter.Groups)
	fmt.Printf("%+v %v\n", f, err)
	// Output:
	// {Filters:[{Attr:id Op:eq Value:g1} {Attr:members Filter:{Attr:value Op:eq Value:u1}}]} <nil>
}
