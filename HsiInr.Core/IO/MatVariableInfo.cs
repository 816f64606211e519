namespace HsiInr.Core.IO;

/// <summary>One variable of a MAT file as listed without reading its samples: name, MATLAB class and dimensions.</summary>
public sealed record MatVariableInfo(string Name, string ClassName, IReadOnlyList<long> Dimensions, bool IsComplex = false, bool IsSparse = false)
{
    private static readonly HashSet<string> NumericClasses =
        ["double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "logical"];

    /// <summary>True for real, dense numeric (or logical) arrays: the only ones a cube can be read from.</summary>
    public bool IsNumeric => !IsComplex && !IsSparse && NumericClasses.Contains(ClassName);

    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>Number of dimensions ignoring trailing singletons beyond the second (MATLAB drops them too).</summary>
    public int Rank
    {
        get
        {
            int r = Dimensions.Count;
            while (r > 2 && Dimensions[r - 1] == 1) r--;
            return r;
        }
    }

    public string DimensionsText => string.Join("×", Dimensions);

    public override string ToString() =>
        $"{Name} ({ClassName}{(IsComplex ? ", complex" : "")}{(IsSparse ? ", sparse" : "")}, {DimensionsText})";
}
