package scim

import (
	"net/http/httptest"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
)

// LibraryPageForTest calls the ResourceHandler.GetAll the protocol library
// would call, with a filter validated as the library validates it.
func LibraryPageForTest(h *Handler, account string, users bool, rawFilter string) (elimity.Page, error) {
	s := schema.CoreGroupSchema()
	if users {
		s = schema.CoreUserSchema()
	}
	s.Attributes = append(s.Attributes, schema.CommonAttributes()...)
	v, err := filter.NewValidator(rawFilter, s)
	if err != nil {
		return elimity.Page{}, err
	}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(withAccount(r.Context(), account))
	params := elimity.ListRequestParams{StartIndex: 1, Count: 10, FilterValidator: &v}
	if users {
		return usersHandler{h}.GetAll(r, params)
	}
	return groupsHandler{h}.GetAll(r, params)
}
