using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace Relay.Server.Personnel;

/// <summary>The server's personnel listing by validity: those whose window holds a time, or those whose window does
/// not (expired or not started yet).</summary>
public sealed record ValidityFilter(
    [property:
        FromQuery(Name = "valid"),
        Description(
            "true lists only the personnel valid at the time (now, or at=); false only those not valid then (expired or "
                + "not started). Absent: all."
        )
    ]
        bool? Valid,
    [property:
        FromQuery(Name = "at"),
        Description("The time valid= judges at (ISO 8601, e.g. 2026-12-24T18:00:00Z); now when absent.")
    ]
        DateTimeOffset? At
)
{
    /// <summary>Why the query cannot be answered, or null.</summary>
    public string? Problem => At is not null && Valid is null ? "at= needs valid=true or valid=false." : null;

    /// <summary>The SQL condition on the <c>personnel</c> table (binding @validAt), or null for every row.</summary>
    public string? Condition =>
        Valid switch
        {
            true =>
                "(valid_from IS NULL OR valid_from <= @validAt) AND (valid_until IS NULL OR valid_until > @validAt)",
            false => "(valid_from > @validAt OR valid_until <= @validAt)",
            null => null,
        };

    public DateTime ValidAt(TimeProvider time) =>
        Contracts.Personnel.ValidityWindow.Normalize((At ?? time.GetUtcNow()).UtcDateTime)!.Value;
}
