package kiosk

import (
	"bytes"
	"fmt"
	"time"

	"github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/simplifiedchinese"

	"hallq"
)

// ESC/POS commands of a ticket slip, for 80 mm printers (576 dots a line).
var (
	escInit      = []byte{0x1b, '@'}       // ESC @: reset the printer's modes
	escKanjiOn   = []byte{0x1c, '&'}       // FS &: read bytes from 0x80 as two-byte Chinese
	escCentre    = []byte{0x1b, 'a', 1}    // ESC a 1: centre lines and images
	escBoldOn    = []byte{0x1b, 'E', 1}    // ESC E 1
	escBoldOff   = []byte{0x1b, 'E', 0}    // ESC E 0
	escQuadSize  = []byte{0x1d, '!', 0x33} // GS ! n: four times as wide and as high
	escNormal    = []byte{0x1d, '!', 0x00} // GS ! 0: normal size
	escRasterImg = []byte{0x1d, 'v', '0', 0}
	escFeedCut   = []byte{0x1b, 'd', 3, 0x1d, 'V', 66, 0} // ESC d 3 feeds three lines; GS V 66 0 feeds to the cutter and cuts partially
)

// qrDots is about the width of a slip's QR code, in printer dots: 30 mm on a
// 203 dpi printer, easy for a phone to scan.
const qrDots = 240

// slip is what a ticket slip says: the hall, the number, the service, when
// it was issued, the wait, and the QR code of the ticket's status page, in
// the ticket's language first. It carries nothing personal: a ticket has no
// card number and no holder.
type slip struct {
	Lang      string // the ticket's language, printed first; hallq.Languages[0] when not one of them
	Hall      hallq.Text
	Number    string
	Service   hallq.Text
	IssuedAt  time.Time // in the hall's time zone
	Waiting   bool      // Ahead and the estimate apply
	Ahead     int
	ServiceID string // "A", for "no counter is serving A now"
	EtaS      int
	EtaLowS   int
	EtaHighS  int
	EtaReason string // hallq.EtaNoCounter: no estimate
	URL       string // the ticket's status page, for the QR code
}

// newSlip returns the slip of ticket t in hall, its QR code holding url.
func newSlip(hall *hallq.HallView, t *hallq.Ticket, url string) slip {
	s := slip{Lang: t.Lang, Hall: hall.Name, Number: t.Number, Service: hallq.Text{EN: t.Service}, IssuedAt: t.IssuedAt,
		Waiting: t.State == hallq.Waiting, Ahead: t.Ahead, ServiceID: t.Service,
		EtaS: t.EtaS, EtaLowS: t.EtaLowS, EtaHighS: t.EtaHighS, EtaReason: t.EtaReason, URL: url}
	for _, svc := range hall.Services {
		if svc.ID == t.Service {
			s.Service = svc.Name
		}
	}
	if loc, err := time.LoadLocation(hall.TimeZone); err == nil {
		s.IssuedAt = s.IssuedAt.In(loc)
	}
	return s
}

// escpos returns the slip as an ESC/POS job: each line in the ticket's
// language, then in the other, as the browser prints a ticket, in GB18030
// with the printer in Chinese (Kanji) mode; the QR code as a raster image,
// then a feed and a partial cut.
func (s slip) escpos() ([]byte, error) {
	qr, err := rasterQR(s.URL)
	if err != nil {
		return nil, err
	}
	lang := s.Lang
	if !hallq.ValidLang(lang) {
		lang = hallq.Languages[0]
	}
	var b bytes.Buffer
	b.Write(escInit)
	b.Write(escKanjiOn)
	b.Write(escCentre)
	b.Write(escBoldOn)
	writeText(&b, s.Hall, lang)
	b.Write(escBoldOff)
	b.WriteByte('\n')
	b.Write(escQuadSize)
	writeLine(&b, s.Number)
	b.Write(escNormal)
	writeText(&b, s.Service, lang)
	writeLine(&b, s.IssuedAt.Format("2006-01-02 15:04"))
	if s.Waiting {
		writeText(&b, aheadText(s.Ahead), lang)
		writeText(&b, waitText(s.EtaS, s.EtaLowS, s.EtaHighS, s.EtaReason, s.ServiceID), lang)
	}
	b.WriteByte('\n')
	writeText(&b, hallq.Text{EN: "Scan to follow your turn", ZH: "扫码查看排队进度"}, lang)
	b.Write(qr)
	b.Write(escFeedCut)
	return b.Bytes(), nil
}

// writeText writes t as two lines, in lang first, then in the other
// language, or as one when the two are the same or one is missing.
func writeText(b *bytes.Buffer, t hallq.Text, lang string) {
	first := t.In(lang)
	writeLine(b, first)
	for _, l := range hallq.Languages {
		if second := t.In(l); l != lang && second != first {
			writeLine(b, second)
		}
	}
}

// writeLine writes s as one line of printer text.
func writeLine(b *bytes.Buffer, s string) {
	b.Write(printerText(s))
	b.WriteByte('\n')
}

// aheadText says how many people wait before the ticket.
func aheadText(n int) hallq.Text {
	switch n {
	case 0:
		return hallq.Text{EN: "You are next", ZH: "下一位就是您"}
	case 1:
		return hallq.Text{EN: "1 person ahead", ZH: "前面还有 1 人"}
	}
	return hallq.Text{EN: fmt.Sprintf("%d people ahead", n), ZH: fmt.Sprintf("前面还有 %d 人", n)}
}

// waitText says the estimated wait in the words of every page (waitWords in
// i18n.js): "about 5 min (2–9 min)", "约 5 分钟（2–9 分钟）"; "(up to 9
// min)" when the low end is under a minute; "less than a minute" when the
// high end is; minutes rounded up. With no open counter to call the ticket
// (reason hallq.EtaNoCounter), "no counter is serving A now".
func waitText(etaS, lowS, highS int, reason, service string) hallq.Text {
	var wait hallq.Text
	switch {
	case reason != "":
		wait = hallq.Text{EN: fmt.Sprintf("no counter is serving %s now", service), ZH: fmt.Sprintf("目前没有窗口办理%s业务", service)}
	case highS < 60:
		wait = hallq.Text{EN: "less than a minute", ZH: "不到 1 分钟"}
	default:
		about := hallq.Text{EN: fmt.Sprintf("about %d min", minutes(etaS)), ZH: fmt.Sprintf("约 %d 分钟", minutes(etaS))}
		if etaS < 60 {
			about = hallq.Text{EN: "under a minute", ZH: "不到 1 分钟"}
		}
		high := minutes(highS)
		var span hallq.Text
		if lowS < 60 {
			span = hallq.Text{EN: fmt.Sprintf("up to %d min", high), ZH: fmt.Sprintf("%d 分钟以内", high)}
		} else if low := min(minutes(lowS), high); low < high {
			span = hallq.Text{EN: fmt.Sprintf("%d–%d min", low, high), ZH: fmt.Sprintf("%d–%d 分钟", low, high)}
		}
		wait = about
		if span.EN != "" {
			wait = hallq.Text{EN: about.EN + " (" + span.EN + ")", ZH: about.ZH + "（" + span.ZH + "）"}
		}
	}
	return hallq.Text{EN: "Estimated wait: " + wait.EN, ZH: "预计等候 " + wait.ZH}
}

// minutes rounds seconds up to whole minutes, at least 1.
func minutes(seconds int) int {
	return max(1, (seconds+59)/60)
}

// printerText encodes s in GB18030 for a printer in Chinese mode. Control
// characters become spaces, so that no text can slip a command into the
// job; characters that need four bytes, which the fonts of thermal printers
// (GB2312 or GBK) lack, become '?'. The en dash of a range, "5–10", becomes
// a hyphen: GB18030 has it only at A843, one of GBK's additions to GB2312,
// and A1AA, the dash of GB2312, is the em dash.
func printerText(s string) []byte {
	gb18030 := simplifiedchinese.GB18030.NewEncoder()
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			out = append(out, ' ')
		case r == '\u2013': // en dash
			out = append(out, '-')
		case r < 0x7f:
			out = append(out, byte(r))
		default:
			enc, err := gb18030.Bytes([]byte(string(r)))
			if err != nil || len(enc) != 2 {
				enc = []byte{'?'}
			}
			out = append(out, enc...)
		}
	}
	return out
}

// rasterQR returns a GS v 0 raster image of the QR code of url, about
// qrDots wide, its quiet zone included. Each module is at least two dots
// square: then no byte of the image is a lone dot, 0x10, so the image
// cannot hold a real-time command (DLE EOT, DLE ENQ, DLE DC4), which a
// printer would act on even inside image data.
func rasterQR(url string) ([]byte, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("making the QR code of a ticket: %w", err)
	}
	bitmap := q.Bitmap()
	return raster(bitmap, max(2, qrDots/len(bitmap))), nil
}

// raster returns the GS v 0 command that prints bitmap (true is black),
// each module scale dots square; rows are padded to whole bytes.
func raster(bitmap [][]bool, scale int) []byte {
	height := len(bitmap) * scale
	width := 0
	if height > 0 {
		width = len(bitmap[0]) * scale
	}
	rowBytes := (width + 7) / 8
	out := append([]byte{}, escRasterImg...)
	out = append(out, byte(rowBytes), byte(rowBytes>>8), byte(height), byte(height>>8))
	row := make([]byte, rowBytes)
	for _, modules := range bitmap {
		clear(row)
		for x := range width {
			if modules[x/scale] {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		for range scale {
			out = append(out, row...)
		}
	}
	return out
}
