using System.Buffers.Binary;
using HsiInr.Core.Codec;
using HsiInr.Core.Codec.Container;
using HsiInr.Core.Cube;
using HsiInr.Core.IO;

namespace HsiInr.Core.Tests;

/// <summary>
/// Every input the fuzzer (tests/HsiInr.Fuzz) broke the readers with, kept as found (fuzz-regressions/; the file
/// names say what each one is) or rebuilt in code. Each must now fail with a specific HsiException, quickly and
/// without allocating from the forged size.
/// </summary>
[Collection("Torch")]
public class FuzzRegressionTests
{
    private static string Input(string name) => Path.Combine(TestData.RepoRoot, "tests", "HsiInr.Core.Tests", "fuzz-regressions", name);

    /// <summary>Runs <paramref name="read"/>, which must throw an HsiException of <paramref name="kind"/> while
    /// allocating less than <paramref name="maxMegabytes"/> on this thread.</summary>
    private static HsiException Refused(HsiErrorKind kind, Action read, long maxMegabytes = 32)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<HsiException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(kind, e.Kind);
        Assert.True(allocated < maxMegabytes << 20, $"{allocated >> 20} MB allocated before refusing");
        return e;
    }

    [Fact]
    public void A_resealed_header_declaring_a_huge_cube_is_refused_before_decoding()
    {
        // Found: a 163-byte paper-layout archive whose width was nudged to 16 776 968 (8×16776968×3, 4e8 samples):
        // the decoder allocated the grid and ran out of memory (OutOfMemoryException).
        var bytes = File.ReadAllBytes(Input("archive-huge-cube.hsiinr"));
        var e = Refused(HsiErrorKind.CorruptArchive, () => ArchiveDecoder.Decode(bytes));
        Assert.Contains("8×16776968×3", e.Message);
        Refused(HsiErrorKind.CorruptArchive, () => HsiArchive.Open(Input("archive-huge-cube.hsiinr")));
    }

    [Fact]
    public void Writers_refuse_an_archive_below_the_rate_readers_accept()
    {
        // A 74-byte archive (72 bytes of framing, a 2-byte payload) holds 592 bits: 0.0001 bpppb for 5 920 000 samples.
        var header = new ArchiveHeader { Codec = CodecId.Jpeg, Height = 5910, Width = 1000, Bands = 1, OriginalType = SampleType.UInt8, NormMin = 0, NormMax = 1 };
        var (h, p) = ArchiveFormat.Read(ArchiveFormat.Write(header, new byte[2]));
        Assert.Equal((5910, 2), (h.Height, p.Length));
        var e = Refused(HsiErrorKind.InvalidArgument, () => ArchiveFormat.Write(header with { Height = 5930 }, new byte[2]));
        Assert.Contains("bpppb", e.Message);
    }

    [Fact]
    public void A_forged_JPEG2000_image_size_is_refused_before_OpenJPEG_runs()
    {
        // Found: one flipped bit in the shared SIZ marker of a per-band JPEG2000 archive (Ysiz 16 → 4 194 320):
        // opj_decompress decoded a 16 × 4 194 320 image in 2 032 tiles per band, seconds each, before the size check.
        var bytes = File.ReadAllBytes(Input("archive-j2k-forged-size.hsiinr"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Refused(HsiErrorKind.CorruptArchive, () => ArchiveDecoder.Decode(bytes));
        Assert.Contains("16×16", e.Message);
        Assert.True(clock.Elapsed.TotalSeconds < 1, $"{clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Theory]
    // Found: a compressed element whose inflated matrix tag declares 0 bytes. Listing parsed the inflated bytes
    // past that size and listed a variable; loading stopped at the size and indexed an empty buffer
    // (ArgumentOutOfRangeException in MatArray.Bytes) — via the nRow scalar here ...
    [InlineData("mat5-element-size-zero.mat", null)]
    [InlineData("mat5-element-size-zero.mat", "nRow")]
    // ... and via the 3-D cube there.
    [InlineData("mat5-element-size-short.mat", null)]
    [InlineData("mat5-element-size-short.mat", "hyperspectral_cube")]
    public void A_compressed_MAT_element_is_listed_only_from_its_own_bytes(string file, string? variable)
    {
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(Input(file), new CubeReadOptions { Variable = variable }));
        Assert.Contains(e.Kind, new[] { HsiErrorKind.VariableNotFound, HsiErrorKind.ShapeMismatch });
        Assert.DoesNotContain(CubeFile.ListMatVariables(Input(file)), v => v.Name is "nRow" or "hyperspectral_cube");
    }

    [Fact]
    public void An_ENVI_header_offset_near_the_largest_integer_is_a_truncated_file()
    {
        // Found: 'header offset = 9223372036854775807'; offset + data size overflowed to a negative number, passed
        // the size check, and the read at that offset threw IOException (Invalid argument).
        var e = Refused(HsiErrorKind.TruncatedFile, () => CubeFile.Read(Input("envi-huge-offset.hdr")));
        Assert.Contains("9223372036854775807", e.Message);
    }

    [Theory]
    // Found reviewing the ENVI header parser for the fuzzer: values were narrowed to int before being checked,
    // so 4294967297 read as data type 1 (uint8) and 4294967296 as byte order 0.
    [InlineData("data type = 4294967297\nbyte order = 0", HsiErrorKind.UnsupportedDataType, "4294967297")]
    [InlineData("data type = 1\nbyte order = 4294967296", HsiErrorKind.MalformedHeader, "4294967296")]
    [InlineData("data type = -4294967295\nbyte order = 0", HsiErrorKind.UnsupportedDataType, "-4294967295")]
    public void ENVI_header_numbers_are_range_checked_before_narrowing(string fields, HsiErrorKind kind, string quoted)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("w.hdr"), $"ENVI\nsamples = 2\nlines = 2\nbands = 1\n{fields}\ninterleave = bsq\n");
        File.WriteAllBytes(tmp.File("w.img"), new byte[64]);
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("w.hdr")));
        Assert.Equal(kind, e.Kind);
        Assert.Contains(quoted, e.Message);
    }

    [Fact]
    public void A_zlib_error_code_in_a_compressed_MAT_element_is_malformed()
    {
        // Found: a duplicated chunk inside a compressed element made zlib throw its internal ZLibException (an
        // IOException, "unexpected error code") rather than InvalidDataException, and it escaped the reader.
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(Input("mat5-zlib-error-code.mat")));
        Assert.Equal(HsiErrorKind.MalformedHeader, e.Kind);
        Assert.Contains("zlib", e.Message);
    }

    [Fact]
    public async Task A_MAT_v73_file_whose_structure_loops_fails_instead_of_hanging()
    {
        // Found: three flipped bytes and a truncation of a PureHDF-written file; opened by path, PureHDF followed
        // its structure forever. The reader now gives PureHDF the file as a stream with a read budget.
        var read = Task.Run(() => Assert.Throws<HsiException>(() => CubeFile.Read(Input("mat73-hang.mat"))));
        var e = await read.WaitAsync(TimeSpan.FromSeconds(30)); // TimeoutException (a failure) if it hangs again
        Assert.Equal(HsiErrorKind.MalformedHeader, e.Kind);
    }

    [Fact]
    public void PureHDF_reads_stop_at_the_budget()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("small.h5"), new byte[1000]);
        using var s = new ReadBudgetStream(File.OpenRead(tmp.File("small.h5")), tmp.File("small.h5"));
        var buf = new byte[1000];
        // A loop re-reading the same bytes, as a cyclic structure makes the parser do: stopped after 8 × 1000 B + 256 MiB.
        var e = Assert.Throws<HsiException>(() => { for (long i = 0; i < 1_000_000; i++) { s.Position = 0; s.ReadExactly(buf); } });
        Assert.Equal(HsiErrorKind.MalformedHeader, e.Kind);
        Assert.Contains("loops", e.Message);
    }

    [Fact]
    public void A_variable_listed_with_one_dimension_is_a_shape_mismatch()
    {
        // Found: nRow's dimension list cut to one entry, then asked for with -Variable nRow: the chooser indexed a
        // second dimension that was not there (ArgumentOutOfRangeException).
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(Input("mat5-one-dimension.mat"), new CubeReadOptions { Variable = "nRow" }));
        Assert.Equal(HsiErrorKind.ShapeMismatch, e.Kind);
        Assert.Contains("1 dimensions", e.Message);
    }

    [Fact]
    public void A_MAT_v73_group_claiming_a_numeric_class_is_malformed()
    {
        // Found: overwritten bytes turned the dataset nCol into a group that kept MATLAB_class 'double'; it was
        // listed as a numeric scalar, and loading it looked for a dataset that did not exist (KeyNotFoundException).
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(Input("mat73-numeric-group.mat"), new CubeReadOptions { Variable = "nRow" }));
        Assert.Equal(HsiErrorKind.MalformedHeader, e.Kind);
        Assert.Contains("nCol", e.Message);
    }

    [Fact]
    public void An_unclosed_ENVI_brace_over_many_lines_fails_quickly()
    {
        // Found reviewing the parser for the fuzzer: each continuation line copied and rescanned the whole value for
        // '}', so an unclosed '{' over 200 000 lines (1.4 MB) cost about 10^11 character copies.
        using var tmp = new TempDir();
        var text = new System.Text.StringBuilder("ENVI\nsamples = 2\nlines = 2\nbands = 1\ndata type = 1\nwavelength = {\n");
        for (int i = 0; i < 200_000; i++) text.Append("400.5,\n");
        File.WriteAllText(tmp.File("u.hdr"), text.ToString());
        File.WriteAllBytes(tmp.File("u.img"), new byte[4]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<HsiException>(() => CubeFile.Read(tmp.File("u.hdr")));
        Assert.Equal(HsiErrorKind.MalformedHeader, e.Kind);
        Assert.Contains("never closes", e.Message);
        Assert.True(clock.Elapsed.TotalSeconds < 5, $"{clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void A_huge_file_named_as_an_ENVI_header_is_not_read_whole()
    {
        using var tmp = new TempDir();
        using (var f = File.Create(tmp.File("big.hdr")))
        {
            f.Write("ENVI\n"u8);
            f.SetLength(EnviReader.MaxHeaderBytes + 1); // sparse: no disk is used
        }
        File.WriteAllBytes(tmp.File("big.img"), new byte[4]);
        var e = Refused(HsiErrorKind.SizeLimitExceeded, () => CubeFile.Read(tmp.File("big.hdr")));
        Assert.Contains("not an ENVI header", e.Message);
    }
}
