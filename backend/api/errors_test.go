package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Every error, /v1's and the app's, has OpenAI's shape; the type follows from the status.
func TestWriteErrorShape(t *testing.T) {
	for _, tc := range []struct {
		status            int
		code, param, want string
	}{
		{400, "invalid_json", "", `{"error":{"message":"m <&>","type":"invalid_request_error","param":null,"code":"invalid_json"}}`},
		{401, "invalid_api_key", "", `{"error":{"message":"m <&>","type":"authentication_error","param":null,"code":"invalid_api_key"}}`},
		{403, "", "", `{"error":{"message":"m <&>","type":"authentication_error","param":null,"code":null}}`},
		{404, "model_not_found", "name", `{"error":{"message":"m <&>","type":"not_found_error","param":"name","code":"model_not_found"}}`},
		{409, "model_loaded", "name", `{"error":{"message":"m <&>","type":"invalid_request_error","param":"name","code":"model_loaded"}}`},
		{413, "", "", `{"error":{"message":"m <&>","type":"invalid_request_error","param":null,"code":null}}`},
		{429, "", "", `{"error":{"message":"m <&>","type":"rate_limit_error","param":null,"code":null}}`},
		{500, "", "", `{"error":{"message":"m <&>","type":"server_error","param":null,"code":null}}`},
		{503, "", "", `{"error":{"message":"m <&>","type":"service_unavailable_error","param":null,"code":null}}`},
	} {
		w := httptest.NewRecorder()
		WriteError(w, tc.status, tc.code, tc.param, "m <&>")
		if w.Code != tc.status || w.Header().Get("Content-Type") != "application/json" || w.Body.String() != tc.want+"\n" {
			t.Errorf("%d: %d %q %s, want %s", tc.status, w.Code, w.Header().Get("Content-Type"), w.Body.String(), tc.want)
		}
	}
	if got := errorType(http.StatusBadGateway); got != typeServer {
		t.Errorf("502: %s", got)
	}
}
