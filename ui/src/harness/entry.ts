// Test-only entry (test-harness.html): installs the mocked Tauri IPC, then starts the real app.
import { installMock, type MockInit } from "./mock";

const init = (window as unknown as { __FLUX_MOCK_INIT__?: MockInit }).__FLUX_MOCK_INIT__ ?? {};
installMock(init);
await import("../main");
