// Package integrationsweb is the municipality's integration settings in
// the reference app: the municipal administrator sees and sets, for each
// integration (KS Fiks IO, the contact register KRR, e-mail, SMS, the
// digital mailbox, webhooks), whether the municipality uses it, its
// endpoint and its account and client identifiers, with certificates,
// keys, passwords and tokens named by reference to the deployment's
// secret store, never stored themselves (domain.IntegrationSetting).
//
// One deployment serves several municipalities. What the deployment is
// configured with (flags and environment, see messagingweb.Transports and
// the -krr flag) is every municipality's default; the page shows it next
// to the municipality's own setting. A municipality that switches an
// integration off has its deliveries through it held in the outbox until
// it is switched on again (messaging.Dispatcher.Gate), and its notices
// skip the contact register (messaging.Service.Gate).
//
// Routes: the page /admin/integrations and the API GET and PUT
// /api/v1/integrations, for the administrator of the municipality only.
// Every read and change is audit-logged; every change is a new version of
// the integration's setting, kept as history (the retention rule
// "integration-history" deletes superseded versions after its period).
//
// Beside them, the municipality's notice settings (notices.go): quiet
// hours, their time zone and the minutes after which the sender of an
// unread urgent message is told; the page /admin/notices and GET and PUT
// /api/v1/notice-settings, administrator only, audit-logged.
//
// The page's strings are in messages/integrations.{nb,nn,en}.json.
package integrationsweb

import (
	"embed"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// app is the shell as the integration settings' handlers see it.
type app struct{ *web.App }

// New returns the integration settings' part of the app, for
// web.App.Mount.
func New(shell *web.App) web.Capability {
	a := &app{shell}
	return web.Capability{Tag: "integrations", About: "The municipality's integration settings: on or off, endpoints, identifiers and secrets by reference (municipal administrator)",
		Routes: append(a.routes(), a.noticeRoutes()...), Menus: menus, Pages: pages, Messages: messages}
}

var menus = []web.MenuItem{
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/integrations", Key: "int.menu"},
	{Roles: []domain.Role{domain.RoleAdmin}, Path: "/admin/notices", Key: "notices.menu"},
}

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var pages embed.FS
