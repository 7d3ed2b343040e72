namespace Relay.Client.Storage;

/// <summary>
/// Whether the last attempt to write a message to SQLite failed, and why. A health probe that
/// writes a few bytes can pass on a disk too full for a batch, so the health check trusts what
/// the real writes saw: the fault shows until a message is applied again.
/// </summary>
internal sealed class StorageStatus
{
    private volatile string? _fault;

    public string? Fault => _fault;

    public void Failed(string reason) => _fault = reason;

    public void Succeeded() => _fault = null;
}
