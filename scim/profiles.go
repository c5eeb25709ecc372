package scim

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/store"
)

// buildProfiles compiles the default mapper (def, else the Okta preset)
// and the registry: the presets, then the host's mappers by name.
func (h *Handler) buildProfiles(def *mapping.Mapper, registered map[string]*mapping.Mapper) error {
	mappers := map[string]*mapping.Mapper{}
	for _, name := range mapping.PresetNames { // unless WithMappers replaces them
		if _, replaced := registered[name]; replaced {
			continue
		}
		table, _ := mapping.Preset(name)
		m, err := mapping.New(table)
		if err != nil {
			return fmt.Errorf("scim: %s preset: %w", name, err)
		}
		mappers[name] = m
	}
	for name, m := range registered {
		if m != nil {
			mappers[name] = m
		} else {
			delete(mappers, name)
		}
	}
	if def == nil {
		def = mappers[store.IdPOkta]
		if def == nil {
			m, err := mapping.New(mapping.Okta())
			if err != nil {
				return fmt.Errorf("scim: default mapping: %w", err)
			}
			def = m
		}
	}
	var err error
	if h.def, err = newProfile("", def); err != nil {
		return err
	}
	h.profiles = make(map[string]*profile, len(mappers))
	for _, name := range slices.Sorted(maps.Keys(mappers)) {
		if name == "" {
			return fmt.Errorf("scim: WithMappers: a mapper has an empty name (use WithMapper for the default)")
		}
		if h.profiles[name], err = newProfile(name, mappers[name]); err != nil {
			return fmt.Errorf("scim: mapper %q: %w", name, err)
		}
	}
	return nil
}

// profileOf returns the profile of the account's IdP: the default for an
// account without one, else the registered one, else an error (the host
// let an admin choose a name it registered no mapper for).
func (h *Handler) profileOf(ctx context.Context, a store.Account) (*profile, *apiError) {
	if a.IdP == "" {
		return h.def, nil
	}
	if p := h.profiles[a.IdP]; p != nil {
		return p, nil
	}
	if p := h.profiles[strings.ToLower(strings.TrimSpace(a.IdP))]; p != nil {
		return p, nil
	}
	h.log.ErrorContext(ctx, "scim: the account's identity provider has no registered mapper; register it with scim.WithMappers",
		slog.String("account", a.ID), slog.String("idp", a.IdP))
	return nil, &apiError{Status: http.StatusInternalServerError,
		Detail: fmt.Sprintf("this account's identity provider %q is not configured on the service provider; its administrator must choose a supported identity provider in the provisioning settings", a.IdP)}
}

// Mappers returns the names of the registered mappers, sorted: the IdP
// names an account may choose for this handler (store.Account.IdP).
func (h *Handler) Mappers() []string { return slices.Sorted(maps.Keys(h.profiles)) }
