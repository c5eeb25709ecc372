package console

// IdP is an identity provider the console has setup steps for.
type IdP struct {
	// Key is the form value and the name stored as the account's IdP
	// (store.Account.IdP, which picks the SCIM handler's mapping):
	// store.IdPOkta, store.IdPEntra or store.IdPGeneric.
	Key string
	// Name is shown to the admin.
	Name string
	// URLField and TokenField are what the IdP calls the base URL and the
	// token.
	URLField, TokenField string
	// Steps are the setup steps in the IdP's own words.
	Steps []string
}

// IdPs are the identity providers offered when provisioning is turned on.
var IdPs = []IdP{
	{
		Key: "okta", Name: "Okta", URLField: "SCIM connector base URL", TokenField: "API token (Bearer)",
		Steps: []string{
			"In the Okta Admin Console, open Applications, select your app (or create a SCIM 2.0 app) and open its Provisioning tab, then Integration.",
			"Paste the SCIM base URL into \"SCIM connector base URL\" and enter \"userName\" as the unique identifier field for users.",
			"Choose \"HTTP Header\" as the authentication mode and paste the bearer token into \"Authorization\" (API token). Select Test Connector Configuration, then Save.",
			"Under Provisioning > To App, select Edit and enable Create Users, Update User Attributes and Deactivate Users, then Save.",
			"In Directory > Profile Editor, open the app's user profile and make sure displayName is mapped (for example user.firstName + \" \" + user.lastName).",
			"Assign people and groups to the app, and push the groups you marked as managed here under Push Groups.",
		},
	},
	{
		Key: "entra", Name: "Microsoft Entra ID", URLField: "Tenant URL", TokenField: "Secret Token",
		Steps: []string{
			"In the Microsoft Entra admin center, open Enterprise applications, select your app (or create a non-gallery app) and open Provisioning.",
			"Set Provisioning Mode to Automatic.",
			"Under Admin Credentials, paste the SCIM base URL into \"Tenant URL\" and the bearer token into \"Secret Token\".",
			"Select Test Connection, wait for the success message, then Save.",
			"Review the attribute mappings, assign users and groups, and set Provisioning Status to On.",
		},
	},
	{
		Key: "generic", Name: "Another SCIM 2.0 client", URLField: "SCIM base URL", TokenField: "Bearer token",
		Steps: []string{
			"In your identity provider's SCIM or provisioning settings, enter the SCIM base URL (the endpoints are /Users and /Groups under it).",
			"Authenticate with the bearer token: every request sends the header \"Authorization: Bearer <token>\".",
			"Test the connection, then assign users and groups.",
		},
	},
}

func idpByKey(key string) (IdP, bool) {
	if key == "other" {
		key = "generic"
	}
	for _, p := range IdPs {
		if p.Key == key {
			return p, true
		}
	}
	return IdP{}, false
}

// idpOfLabel finds the IdP a token's label names (the console labels the
// tokens it mints "Okta", "Microsoft Entra ID" ...).
func idpOfLabel(label string) (IdP, bool) {
	for _, p := range IdPs {
		if label == p.Name || len(label) > len(p.Name) && label[:len(p.Name)+1] == p.Name+" " {
			return p, true
		}
	}
	return IdP{}, false
}
