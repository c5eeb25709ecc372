package sqlstore

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scimkit/scimkit/store"
)

// dialect holds what differs between the two databases: placeholders,
// pattern matching, row locking and the shape of their errors. The SQL of
// the package is written once, with '?' placeholders, for both.
type dialect int

const (
	dialectPostgres dialect = iota + 1
	dialectSQLite
)

func (d dialect) String() string {
	if d == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

// rebind rewrites '?' placeholders to $1, $2, ... on PostgreSQL. The
// package's SQL never has a '?' inside a literal; values always travel as
// bound parameters.
func (d dialect) rebind(query string) string {
	if d != dialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// forUpdate is the clause that locks the rows a SELECT reads until the end
// of the transaction. SQLite has none: its write transactions are serial.
func (d dialect) forUpdate() string {
	if d == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// matchOp is the byte-wise, case-sensitive pattern operator: LIKE on
// PostgreSQL (whose columns use the "C" collation), GLOB on SQLite (whose
// LIKE ignores ASCII case).
func (d dialect) matchOp() string {
	if d == dialectPostgres {
		return `LIKE ? ESCAPE '\'`
	}
	return "GLOB ?"
}

// pattern builds the argument of matchOp that matches strings with prefix
// pre (when anyBefore is false) or containing it, and ending with it (when
// anyAfter is false). Wildcards in s are escaped: it is matched literally.
func (d dialect) pattern(s string, anyBefore, anyAfter bool) string {
	var b strings.Builder
	wild := "%"
	if d == dialectSQLite {
		wild = "*"
	}
	if anyBefore {
		b.WriteString(wild)
	}
	for _, r := range s {
		switch {
		case d == dialectPostgres && (r == '%' || r == '_' || r == '\\'):
			b.WriteByte('\\')
			b.WriteRune(r)
		case d == dialectSQLite && (r == '*' || r == '?' || r == '['):
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	if anyAfter {
		b.WriteString(wild)
	}
	return b.String()
}

// uniqueKey names a unique index of the schema and the SCIM attribute it
// protects.
type uniqueKey struct {
	pgName     string // index or constraint name (PostgreSQL)
	sqliteCols string // "table.column" that SQLite's message names last
	attribute  string // store.ConflictError.Attribute; "" for plain ErrConflict
}

var uniqueKeys = []uniqueKey{
	{"scimkit_accounts_id_key", "scimkit_accounts.id", "id"},
	{"scimkit_users_user_name_key", "scimkit_users.user_name_fold", store.AttrUserName},
	{"scimkit_users_external_id_key", "scimkit_users.external_id", store.AttrExternalID},
	{"scimkit_users_id_key", "scimkit_users.id", store.AttrID},
	{"scimkit_user_email_keys_key", "scimkit_user_email_keys.value_fold", store.AttrEmails},
	{"scimkit_groups_display_name_key", "scimkit_groups.display_name_fold", store.AttrDisplayName},
	{"scimkit_groups_external_id_key", "scimkit_groups.external_id", store.AttrExternalID},
	{"scimkit_groups_id_key", "scimkit_groups.id", store.AttrID},
	{"scimkit_tokens_hash_key", "scimkit_tokens.hash", ""},
	{"scimkit_tokens_id_key", "scimkit_tokens.id", ""},
}

// errKind classifies a driver error.
type errKind int

const (
	errOther errKind = iota
	errUnique
	errForeignKey
	errBadValue
	errRetry // the transaction was aborted and may simply be run again
)

// classify tells what kind of failure err is and, for a unique violation,
// which attribute's uniqueness it protects ("" when unknown or none).
func (d dialect) classify(err error) (errKind, string) {
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			for _, k := range uniqueKeys {
				if k.pgName == pe.ConstraintName {
					return errUnique, k.attribute
				}
			}
			return errUnique, ""
		case "23503": // foreign_key_violation
			return errForeignKey, ""
		case "22021", "22P05", "54000": // bad byte sequence, untranslatable character, too long
			return errBadValue, ""
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return errRetry, ""
		}
		return errOther, ""
	}
	if se := (*sqlite.Error)(nil); errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			// "UNIQUE constraint failed: scimkit_users.account_id, scimkit_users.user_name_fold"
			// or, for some indexes, "UNIQUE constraint failed: index 'name'".
			msg := se.Error()
			var cols []string
			if _, list, ok := strings.Cut(msg, "constraint failed: "); ok {
				if _, list2, ok := strings.Cut(list, "constraint failed: "); ok {
					list = list2
				}
				list, _, _ = strings.Cut(list, " (")
				cols = strings.Split(list, ", ")
			}
			for _, k := range uniqueKeys {
				if slices.Contains(cols, k.sqliteCols) || strings.Contains(msg, "'"+k.pgName+"'") {
					return errUnique, k.attribute
				}
			}
			return errUnique, ""
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errForeignKey, ""
		case sqlite3.SQLITE_TOOBIG:
			return errBadValue, ""
		}
	}
	return errOther, ""
}

// conflict turns a unique violation into the store's error: a
// *store.ConflictError naming the attribute, with the value the caller gave
// (values maps attributes to them). Any other error is returned as it is.
func (d dialect) conflict(err error, values map[string]string) error {
	kind, attr := d.classify(err)
	switch kind {
	case errUnique:
		if v, ok := values[attr]; ok && attr != "" {
			return &store.ConflictError{Attribute: attr, Value: v}
		}
		return fmt.Errorf("sqlstore: %w", store.ErrConflict)
	case errBadValue:
		return fmt.Errorf("sqlstore: the database rejected a value (%v): %w", err, store.ErrInvalid)
	}
	return err
}
