using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace Relay.Hosting.Api;

/// <summary>
/// The paging query of a list in id order (<c>?limit=</c>, <c>?afterId=</c>), bound with
/// <c>[AsParameters]</c> and checked by the framework's validation before the handler runs.
/// </summary>
public sealed record PageQuery(
    [property:
        FromQuery(Name = "limit"),
        Description(Paging.LimitText),
        DefaultValue(Paging.DefaultLimit),
        Range(1, Paging.MaxLimit, ErrorMessage = Paging.LimitError)
    ]
        int? Limit,
    [property: FromQuery(Name = "afterId"), Description(Paging.AfterIdText), PositiveId(OrZero = true)] long? AfterId
)
{
    /// <summary>How many items the page holds at most.</summary>
    public int Take => Limit ?? Paging.DefaultLimit;

    /// <summary>The id the page starts after.</summary>
    public long After => AfterId ?? 0;
}
