package main

// Browser test of the Cards tab of the manager's page
// (assets/static/manager-cards.js): the customers' file.

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hallq"
)

// managerFind searches the Cards tab for q and waits for the list it finds.
func managerFind(b *browser, q string) int {
	b.t.Helper()
	n := browserEval[string](b, `document.body.dataset.found || "0"`)
	staffFill(b, "#card-q", q)
	tap(b, "#card-find")
	b.waitJS(`(document.body.dataset.found || "0") !== ` + jsQuote(n))
	return browserEval[int](b, `document.querySelectorAll("#panel-cards .mitem").length`)
}

// managerCardsShots is managerShots, then waits until the tab has drawn
// itself again in Chinese.
func managerCardsShots(t *testing.T, b *browser, name string) {
	t.Helper()
	managerShots(t, b, name)
	b.waitJS(`document.body.dataset.ready === "cards"`)
}

// managerImport imports the file at path, all or none or not, and waits
// for the result the page shows.
func managerImport(b *browser, path string, allOrNone bool) {
	b.t.Helper()
	if !browserEval[bool](b, `document.getElementById("card-file") !== null`) {
		tap(b, `#panel-cards [data-create="cardImportOpen"]`)
	}
	n := browserEval[string](b, `document.getElementById("card-import-result").dataset.runs || "0"`)
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#card-file"), []string{path}))
	if browserEval[bool](b, `document.getElementById("card-all-or-none").checked`) != allOrNone {
		tap(b, "#card-all-or-none")
	}
	tap(b, "#card-import")
	b.waitJS(`(document.getElementById("card-import-result").dataset.runs || "0") !== ` + jsQuote(n))
}

// TestBrowser_ManagerCards: a manager adds a card, whose number the page
// never shows again; finds it by holder and by last four, with its visit;
// changes its tier; imports a CSV with one refused row, all or none (none
// imported) and then not (the good rows imported, the refused one shown
// by its line with the hub's sentence); and deletes the card.
func TestBrowser_ManagerCards(t *testing.T) {
	b := newBrowser(t)
	b.setViewport(viewportCounter)
	hub := startManagerHub(t)
	admin := login(t, hub.URL)
	if status, out := staffCall(t, "POST", hub.URL+"/api/v1/cards", admin, "", `{"number":"5555666677778888","tier":"silver","holder":"Li Lei"}`); status != http.StatusCreated {
		t.Fatalf("POST a card: %d %s", status, out)
	}
	openManager(t, b, hub, "cards")
	if got := browserEval[int](b, `document.querySelectorAll("#panel-cards .mitem").length`); got != 1 {
		t.Errorf("the list shows %d cards, want 1", got)
	}

	// A new card: staff-only tiers are not offered.
	tap(b, `#panel-cards [data-create="newCard"]`)
	tiers := browserEval[[]string](b, `[...document.querySelectorAll('#panel-cards [data-field="tier"] option')].map((o) => o.value)`)
	if strings.Join(tiers, ",") != "regular,silver,gold,platinum" {
		t.Errorf("a new card's tiers: %v", tiers)
	}
	managerCardsShots(t, b, "cards-new")
	const number = "6222 0000 1111 4321"
	staffFill(b, managerField("cards", "number", "input"), number)
	b.run(chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsQuote(managerField("cards", "tier", "select")) + `).value = "gold"`))
	staffFill(b, managerField("cards", "holder", "input"), "Wang Fang")
	staffFill(b, managerField("cards", "expires", "input"), "2099-12-31")
	if got := managerSave(b, "cards"); got != "saved" {
		t.Fatalf("creating a card: %s %q", got, staffText(b, "#panel-cards .meditor"))
	}
	b.waitJS(`document.querySelector("#panel-cards .meditor").dataset.open.startsWith("c_")`)
	var c hallq.Card
	if status := getJSON(t, hub.URL+"/api/v1/cards/6222000011114321", admin, &c); status != http.StatusOK || c.Tier != "gold" || c.Holder != "Wang Fang" || c.Expires != "2099-12-31" || c.Last4 != "4321" {
		t.Fatalf("the new card: %d %+v", status, c)
	}
	if got := staffText(b, "#panel-cards .meditor-title"); !strings.Contains(got, "4321") || !strings.Contains(got, "Wang Fang") {
		t.Errorf("the card's title: %q", got)
	}
	if browserEval[bool](b, `document.body.innerText.replace(/\s/g, "").includes("62220000")`) {
		t.Error("the page shows the card's number after it was entered")
	}

	// Found by holder and by last four, with its visit.
	counterIssue(t, hub, "A", "6222000011114321")
	if n := managerFind(b, "wang"); n != 1 {
		t.Errorf("searching wang: %d cards", n)
	}
	if got := staffText(b, "#panel-cards .mitem-title"); !strings.Contains(got, "Wang Fang") {
		t.Errorf("searching wang finds %q", got)
	}
	b.waitJS(`document.getElementById("card-visits")?.dataset.count === "1"`)
	if got := staffText(b, "#card-visits tbody td"); !strings.HasPrefix(got, "A") {
		t.Errorf("the card's visit: %q", got)
	}
	if n := managerFind(b, "4321"); n != 1 || !strings.Contains(staffText(b, "#panel-cards .mitem-title"), "4321") {
		t.Errorf("searching 4321: %d cards, %q", n, staffText(b, "#panel-cards .mitem-title"))
	}
	managerCardsShots(t, b, "cards-found")

	// Its tier changed.
	b.run(chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsQuote(managerField("cards", "tier", "select")) + `).value = "platinum"`))
	if got := managerSave(b, "cards"); got != "saved" {
		t.Fatalf("changing the tier: %s %q", got, staffText(b, "#panel-cards .meditor"))
	}
	getJSON(t, hub.URL+"/api/v1/cards/"+c.ID, admin, &c)
	if c.Tier != "platinum" || c.Expires != "2099-12-31" {
		t.Errorf("after the change: %+v", c)
	}
	if n := managerFind(b, ""); n != 2 {
		t.Errorf("no search: %d cards, want 2", n)
	}

	// A CSV with a refused row (line 3: a staff-only tier) and an expired one.
	csv := filepath.Join(t.TempDir(), "cards.csv")
	body := "number,tier,holder,expires\r\n" +
		"1000200030004001,gold,Zhao Min,2099-01-31\r\n" +
		"1000200030004002,priority,Qian Li,\r\n" +
		"1000200030004003,silver,Sun Yu,2001-01-01\r\n"
	if err := os.WriteFile(csv, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	const refused = "The card's tier is issued by staff only; a card cannot carry it."
	checkRefused := func(what string) {
		t.Helper()
		if got := browserEval[[]string](b, `[...document.querySelectorAll("#card-errors li")].map((li) => li.dataset.line)`); strings.Join(got, ",") != "3" {
			t.Errorf("%s: refused lines %v, want 3", what, got)
		}
		if got := staffText(b, `#card-errors li[data-line="3"]`); !strings.Contains(got, "3") || !strings.Contains(got, refused) {
			t.Errorf("%s: line 3 says %q", what, got)
		}
	}
	cardStatus := func(number string) int {
		var c hallq.Card
		return getJSON(t, hub.URL+"/api/v1/cards/"+number, admin, &c)
	}

	managerImport(b, csv, true)
	checkRefused("all or none")
	if got := browserEval[string](b, `document.getElementById("card-imported").dataset.n`); got != "0" {
		t.Errorf("all or none imported %s", got)
	}
	if s1, s3 := cardStatus("1000200030004001"), cardStatus("1000200030004003"); s1 != http.StatusNotFound || s3 != http.StatusNotFound {
		t.Errorf("all or none: the good rows' cards: %d %d, want 404", s1, s3)
	}
	managerCardsShots(t, b, "cards-all-or-none")

	managerImport(b, csv, false)
	checkRefused("import")
	if got := browserEval[string](b, `document.getElementById("card-imported").dataset.n`); got != "2" {
		t.Errorf("imported %s, want 2", got)
	}
	if got := staffText(b, "#card-expired"); !strings.Contains(got, "4") {
		t.Errorf("the expired line: %q", got)
	}
	if s1, s2, s3 := cardStatus("1000200030004001"), cardStatus("1000200030004002"), cardStatus("1000200030004003"); s1 != http.StatusOK || s2 != http.StatusNotFound || s3 != http.StatusOK {
		t.Errorf("after the import the cards: %d %d %d, want 200 404 200", s1, s2, s3)
	}
	b.waitJS(`document.querySelectorAll("#panel-cards .mitem").length === 4`)
	managerCardsShots(t, b, "cards-imported")

	if got := browserEval[string](b, `document.getElementById("card-export").getAttribute("href")`); got != "/api/v1/cards/export.csv" {
		t.Errorf("the export link: %q", got)
	}

	// Deleted on the second press.
	if n := managerFind(b, "wang"); n != 1 {
		t.Fatalf("searching wang again: %d cards", n)
	}
	tap(b, "#panel-cards .mitem")
	b.waitJS(`document.getElementById("card-delete") !== null`)
	tap(b, "#card-delete")
	if cardStatus(c.ID) != http.StatusOK {
		t.Fatal("the first press deleted the card")
	}
	tap(b, "#card-delete")
	b.waitJS(`document.querySelectorAll("#panel-cards .mitem").length === 0`)
	if got := cardStatus(c.ID); got != http.StatusNotFound {
		t.Errorf("after the second press GET the card: %d", got)
	}
}
