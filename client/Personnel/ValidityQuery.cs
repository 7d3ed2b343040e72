using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace Relay.Client.Personnel;

/// <summary>Which personnel a read shows: those valid now, those valid at <see cref="At"/>, or all of them.</summary>
internal sealed record ValidityQuery(
    [property:
        FromQuery(Name = "at"),
        Description("Show the personnel valid at this time (ISO 8601, e.g. 2026-12-24T18:00:00Z) instead of now.")
    ]
        DateTimeOffset? At,
    [property:
        FromQuery(Name = "all"),
        Description(
            "true shows every personnel held, whatever its validity window (expired ones not yet purged included)."
        )
    ]
        bool? All
)
{
    /// <summary>Why the two cannot be asked together, or null.</summary>
    public string? Problem => At is not null && All == true ? "Ask for either at= or all=true, not both." : null;

    /// <summary>The time the read judges validity at, or null for every row.</summary>
    public DateTime? ValidAt(TimeProvider time) => All == true ? null : (At ?? time.GetUtcNow()).UtcDateTime;
}
