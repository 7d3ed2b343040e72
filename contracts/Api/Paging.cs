namespace Relay.Contracts.Api;

/// <summary>Keyset paging shared by every list of both APIs: <c>?limit=</c> (1 to 1,000) and <c>?afterId=</c>.</summary>
public static class Paging
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>What <c>?limit=</c> means, for the API description (its bounds are on the parameter).</summary>
    public const string LimitText = "How many items one page holds at most.";

    /// <summary>What <c>?afterId=</c> means, for the API description.</summary>
    public const string AfterIdText = "Start after this id: the `nextAfterId` of the page before. Omit it for the first page.";

    /// <summary>What <c>?beforeId=</c> means in a newest-first list, for the API description.</summary>
    public const string BeforeIdText = "Start with entries older than this id: the `nextBeforeId` of the page before. Omit it for the newest.";

    /// <summary>Per-field errors for the paging query, empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(int? limit, long? afterId)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        if (afterId is < 0)
        {
            errors["afterId"] = ["afterId must be zero or a positive id."];
        }

        return errors;
    }

    /// <summary>
    /// Per-field errors for a newest-first list (operations, the audit log): <c>?limit=</c> (1 to
    /// <paramref name="maxLimit"/>) and <c>?beforeId=</c>; empty when it is valid.
    /// </summary>
    public static Dictionary<string, string[]> ValidateNewestFirst(int? limit, long? beforeId, int maxLimit)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 || limit > maxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {maxLimit}."];
        }

        if (beforeId is <= 0)
        {
            errors["beforeId"] = ["beforeId must be a positive id."];
        }

        return errors;
    }
}
