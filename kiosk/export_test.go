package kiosk

// StatusURL is statusURL, for tests of the address a QR code holds.
var StatusURL = statusURL

// The ESC/POS pieces, for table tests.
var (
	PrinterText = printerText
	Raster      = raster
	RasterQR    = rasterQR
	AheadText   = aheadText
	WaitText    = waitText
	SlipESCPOS  = slip.escpos
)

// Slip is a ticket slip's contents.
type Slip = slip

// StatusProblem decodes a printer's answers to DLE EOT 1, 2 and 4.
func StatusProblem(printer, offline, paper byte) string {
	return status{printer, offline, paper}.problem()
}
