package io.morphgate.fleet.http;

import com.google.gson.JsonElement;

/** What a resource answers: a status, a JSON body, and the Location of what it created (or null). */
record ApiReply(int status, JsonElement body, String location) {

    static ApiReply ok(JsonElement body) {
        return new ApiReply(200, body, null);
    }
}
