package api

import (
	"encoding/json"
	"net/http"
)

// ErrorBody is the one error shape of every endpoint, /v1 and /api alike: OpenAI's
// {"error": {"message", "type", "param", "code"}}.
type ErrorBody struct {
	Error ErrorObject `json:"error"`
}

// ErrorObject is OpenAI's error object. Param names the request field at fault and Code is a
// stable machine-readable reason; both are null when there is none.
type ErrorObject struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// Error types, as OpenAI names them.
const (
	typeInvalid  = "invalid_request_error"
	typeNotFound = "not_found_error"
	typeServer   = "server_error"
	typeRate     = "rate_limit_error"
	typeAuth     = "authentication_error"
	typeOverload = "service_unavailable_error"
)

// errorType is the OpenAI error type of an HTTP status.
func errorType(status int) string {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return typeAuth
	case status == http.StatusNotFound:
		return typeNotFound
	case status == http.StatusTooManyRequests:
		return typeRate
	case status == http.StatusServiceUnavailable:
		return typeOverload
	case status >= 500:
		return typeServer
	default:
		return typeInvalid
	}
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NewError builds the error body for status; an empty code or param is null.
func NewError(status int, code, param, msg string) ErrorBody {
	return ErrorBody{Error: ErrorObject{Message: msg, Type: errorType(status), Param: strp(param), Code: strp(code)}}
}

// WriteError writes the error body with its status; the type follows from the status
// (401/403 authentication_error, 404 not_found_error, 429 rate_limit_error,
// 503 service_unavailable_error, other 5xx server_error, the rest invalid_request_error).
func WriteError(w http.ResponseWriter, status int, code, param, msg string) {
	WriteJSON(w, status, NewError(status, code, param, msg))
}

// WriteJSON writes v as JSON with status (HTML characters are not escaped).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// apiError is the error object's older name, kept for the package's tests.
type apiError = ErrorObject
