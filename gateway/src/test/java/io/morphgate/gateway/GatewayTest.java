package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.morphgate.api.slot.SlotCatalog;

class GatewayTest {

    /** The launcher names the interface as a string (the api is not on its class path): it must stay the api's. */
    @Test
    void theSlotCatalogItWaitsForIsTheApis() {
        assertEquals(SlotCatalog.class.getName(), Gateway.SLOT_CATALOG);
    }
}
