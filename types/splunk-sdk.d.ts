/**
 * Types for the parts of splunk-sdk 2.0.2 (which ships none) that runtime/adapters/splunk uses.
 * Rejections of every promise are plain objects (SplunkResponse, a string, or an Error), never typed.
 */
declare module "splunk-sdk" {
  namespace splunkjs {
    /** What an Http layer resolves (status < 400) or rejects (status >= 400, or 600 for a network error) with. */
    interface SplunkResponse {
      response: { statusCode: number | string; headers: Record<string, string | string[] | undefined> };
      status: number | string;
      /** Parsed JSON when the reply is `application/json`, the raw text otherwise. */
      data: unknown;
      error: unknown;
    }

    /** The request an Http layer is asked to make: URL already has the query string. */
    interface HttpMessage {
      method: string;
      headers: Record<string, string | number>;
      timeout?: number;
      /** Abort after this many ms (0 / undefined: no limit). */
      response_timeout?: number;
      query?: Record<string, unknown>;
      /** Form-encoded body ("" for GET). */
      body: string;
    }

    /** The SDK's HTTP abstraction; subclasses (or instances) supply makeRequest and parseJson. */
    class Http {
      constructor();
      makeRequest(url: string, message: HttpMessage): Promise<SplunkResponse>;
      parseJson(json: string): unknown;
      /** Builds the unified response; parses `data` as JSON when the content type says so. */
      _buildResponse(error: unknown, response: { statusCode: number | string; headers: Record<string, string | string[] | undefined> }, data: string): SplunkResponse;
    }

    interface ServiceParams {
      scheme?: "http" | "https";
      host?: string;
      port?: number;
      username?: string;
      password?: string;
      /** A session key, or a token when `authorization` is "Bearer". */
      sessionKey?: string;
      authorization?: "Splunk" | "Bearer";
      owner?: string;
      app?: string;
      /** Splunk version; decides v1 or v2 search endpoints. Set from server/info at login. */
      version?: string;
      autologin?: boolean;
    }

    class Job {
      readonly sid: string;
      fetch(): Promise<Job>;
      properties(): Record<string, unknown>;
      /** Resolves `[data, job]`; data is `{results: [...]}` for `output_mode: "json"`. */
      results(params: Record<string, string | number>): Promise<[unknown, Job]>;
      cancel(): Promise<unknown>;
    }

    class Service {
      constructor(http: Http, params: ServiceParams);
      constructor(params: ServiceParams);
      version: string;
      login(): Promise<unknown>;
      /** GET server/info: sets `version` from the reply. */
      getInfo(): Promise<unknown>;
      search(query: string, params: Record<string, string | number>): Promise<Job>;
    }
  }
  export = splunkjs;
}
