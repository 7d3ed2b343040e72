namespace Relay.Server.Outbox;

/// <summary>The kinds of stored operations (<c>operations.kind</c>, and <c>kind</c> in the API's answers).</summary>
internal static class OperationKinds
{
    public const string SendOne = "sendOne";
    public const string SendAll = "sendAll";
    public const string Replace = "replaceAll";
    public const string Sync = "syncAll";
    public const string DeleteOne = "deleteOne";
    public const string DeleteAll = "deleteAll";

    /// <summary>A personnel edited on the server, its new data sent to the clients that hold it.</summary>
    public const string Update = "updatePersonnel";

    /// <summary>A personnel removed from the server, and so from every client.</summary>
    public const string Remove = "removePersonnel";

    /// <summary>Personnel changed by an import, their new data sent to the clients that hold them.</summary>
    public const string Import = "importPersonnel";
}
