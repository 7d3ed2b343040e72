namespace Relay.Hosting.Api;

/// <summary>Keyset paging shared by every list of both APIs: <c>?limit=</c> (1 to 1,000) and
/// <c>?afterId=</c>.</summary>
public static class Paging
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>What <c>?limit=</c> means, for the API description (its bounds are on the parameter).</summary>
    public const string LimitText = "How many items one page holds at most.";

    /// <summary>What <c>?afterId=</c> means, for the API description.</summary>
    public const string AfterIdText =
        "Start after this id: the `nextAfterId` of the page before. Omit it for the first page.";

    /// <summary>What <c>?beforeId=</c> means in a newest-first list, for the API description.</summary>
    public const string BeforeIdText =
        "Start with entries older than this id: the `nextBeforeId` of the page before. Omit it for the newest.";

    /// <summary>The error for a <c>?limit=</c> out of its range (a range attribute's message: {1} and {2} are its
    /// bounds).</summary>
    public const string LimitError = "limit must be between {1} and {2}.";
}
