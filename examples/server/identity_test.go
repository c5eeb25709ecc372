package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/internal/pgtest"
)

// eachStore runs fn against the example server on memstore, SQLite and,
// when SCIMKIT_TEST_POSTGRES is set (always in CI), PostgreSQL.
func eachStore(t *testing.T, fn func(t *testing.T, storeFlag string)) {
	t.Run("memory", func(t *testing.T) { fn(t, "memory") })
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "scim.db")) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, pgtest.Schema(t, "scimkit_server_"))
	})
}

// scimCall sends one SCIM request and decodes the JSON answer.
func scimCall(t *testing.T, base, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func userBody(userName, email string) string {
	b, _ := json.Marshal(map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": userName, "active": true,
		"emails": []map[string]any{{"primary": true, "type": "work", "value": email}},
	})
	return string(b)
}

// With any company domain allowed ("*"), emails whose domain only looks
// different from a public mail domain (fullwidth letters, a soft hyphen, a
// zero-width space: IDNA maps each to gmail.com) are refused as public, and
// nothing is stored.
func TestLookalikePublicDomainsAreRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, storeFlag string) {
		base, token, _ := start(t, "-store", storeFlag, "-account", "lookalike")
		for i, email := range []string{"x@ｇｍａｉｌ.com", "x@gm\u00ADail.com", "x@g\u200Bmail.com", "x@GMAIL.COM", "x@gmail.com\uFEFF"} {
			status, body := scimCall(t, base, token, "POST", "/Users", userBody(fmt.Sprintf("lookalike%d@example.com", i), email))
			assert.Equal(t, http.StatusBadRequest, status, "%q: %v", email, body)
			assert.Contains(t, body["detail"], "public mail domain", "%q", email)
		}
		status, list := scimCall(t, base, token, "GET", "/Users?count=0", "")
		require.Equal(t, http.StatusOK, status)
		assert.EqualValues(t, 0, list["totalResults"], "nothing was stored")

		status, body := scimCall(t, base, token, "POST", "/Users", userBody("ok@example.com", "ok@ｅｘａｍｐｌｅ.com"))
		assert.Equal(t, http.StatusCreated, status, "a look-alike of an allowed company domain reads as that domain: %v", body)
	})
}

// userNames and emails that differ only by NFC/NFD form, fullwidth letters,
// letter case or invisible characters are one identity: the second create
// is a 409, and the pre-create lookup by any spelling finds the first.
func TestLookalikeIdentitiesAreOneUser(t *testing.T) {
	eachStore(t, func(t *testing.T, storeFlag string) {
		base, token, _ := start(t, "-store", storeFlag, "-account", "lookalike-ids")
		status, body := scimCall(t, base, token, "POST", "/Users", userBody("\u00e9mile@example.com", "\u00e9mile@example.com"))
		require.Equal(t, http.StatusCreated, status, "%v", body)
		id := body["id"]
		for _, name := range []string{"e\u0301mile@example.com", "ÉＭＩＬＥ@example.com", "\u00e9mi\u200Ble@example.com", "\u00e9m\u00ADile@example.com"} {
			status, body := scimCall(t, base, token, "POST", "/Users", userBody(name, "other-"+fmt.Sprint(len(name))+"@example.com"))
			assert.Equal(t, http.StatusConflict, status, "%q is the same userName: %v", name, body)
			assert.Equal(t, "uniqueness", body["scimType"], "%q", name)

			status, list := scimCall(t, base, token, "GET", "/Users?filter="+url.QueryEscape(`userName eq "`+name+`"`), "")
			require.Equal(t, http.StatusOK, status, "%q: %v", name, list)
			if assert.EqualValues(t, 1, list["totalResults"], "the lookup by %q finds the user that blocks the create", name) {
				assert.Equal(t, id, list["Resources"].([]any)[0].(map[string]any)["id"])
			}
		}
		status, list := scimCall(t, base, token, "GET", "/Users?count=0", "")
		require.Equal(t, http.StatusOK, status)
		assert.EqualValues(t, 1, list["totalResults"])
	})
}

// Every store refuses an indexed string over store.MaxIndexedLen bytes the
// same way, with a 400 naming the attribute and the limit, and stores one
// at the limit whole (PostgreSQL used to fail past its index row limit of
// about 2.7 KB with a misleading detail, where the others accepted 100,000
// characters).
func TestIndexedStringLimitIsTheSameEverywhere(t *testing.T) {
	eachStore(t, func(t *testing.T, storeFlag string) {
		base, token, _ := start(t, "-store", storeFlag, "-account", "limits")
		at := strings.Repeat("a", 1024)
		status, body := scimCall(t, base, token, "POST", "/Users", userBody(at, "limit@example.com"))
		require.Equal(t, http.StatusCreated, status, "%v", body)
		assert.Equal(t, at, body["userName"])

		for _, n := range []int{1025, 2800, 100_000} {
			long := strings.Repeat("b", n)
			status, body := scimCall(t, base, token, "POST", "/Users", userBody(long, "short@example.com"))
			assert.Equal(t, http.StatusBadRequest, status, "%d bytes", n)
			assert.Equal(t, "invalidValue", body["scimType"])
			assert.Contains(t, body["detail"], "userName must be at most 1024 bytes", "%d bytes", n)
		}
		status, body = scimCall(t, base, token, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"`+strings.Repeat("g", 3000)+`"}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body["detail"], "displayName must be at most 1024 bytes")
		status, list := scimCall(t, base, token, "GET", "/Users?count=0", "")
		require.Equal(t, http.StatusOK, status)
		assert.EqualValues(t, 1, list["totalResults"], "nothing else was stored")
	})
}
