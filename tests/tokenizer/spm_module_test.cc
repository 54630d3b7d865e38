#include "tokenizer/spm_module.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace xstilts {
namespace {

// Names of the symbols the ELF file at `path` asks the dynamic linker to copy-relocate
// (R_X86_64_COPY): objects of shared libraries duplicated inside the executable.
std::vector<std::string> CopyRelocatedSymbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string elf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> names;
  if (elf.size() < sizeof(Elf64_Ehdr)) {
    ADD_FAILURE() << path << ": too small for ELF";
    return names;
  }
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(elf.data());
  const auto* sections = reinterpret_cast<const Elf64_Shdr*>(elf.data() + header->e_shoff);
  for (int i = 0; i < header->e_shnum; ++i) {
    const Elf64_Shdr& rela = sections[i];
    if (rela.sh_type != SHT_RELA) continue;
    const Elf64_Shdr& symtab = sections[rela.sh_link];
    const Elf64_Shdr& strtab = sections[symtab.sh_link];
    const auto* entries = reinterpret_cast<const Elf64_Rela*>(elf.data() + rela.sh_offset);
    const auto* symbols = reinterpret_cast<const Elf64_Sym*>(elf.data() + symtab.sh_offset);
    for (size_t r = 0; r < rela.sh_size / sizeof(Elf64_Rela); ++r) {
      if (ELF64_R_TYPE(entries[r].r_info) != R_X86_64_COPY) continue;
      const Elf64_Sym& sym = symbols[ELF64_R_SYM(entries[r].r_info)];
      names.emplace_back(elf.data() + strtab.sh_offset + sym.st_name);
    }
  }
  return names;
}

TEST(SpmModule, NotFoundNamesWhereItLooked) {
  SpmModuleSearch search;
  search.executable_dir = "/nonexistent/bin";
  search.build_path = "/nonexistent/build/nodes/tokenizer/libxstilts_spm.so";
  auto module = SpmModule::Find(search);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(module.status().message(),
            "sentencepiece module libxstilts_spm.so not found; looked at:\n"
            "  /nonexistent/bin/libxstilts_spm.so (next to the executable): no such file\n"
            "  /nonexistent/lib/xstilts/libxstilts_spm.so (installed layout): no such file\n"
            "  /nonexistent/build/nodes/tokenizer/libxstilts_spm.so (build tree): no such file\n"
            "set XSTILTS_SPM_MODULE to the module's path");
}

TEST(SpmModule, EnvironmentOverrideIsTheOnlyCandidate) {
  SpmModuleSearch search = DefaultSpmModuleSearch();
  search.env_override = "/nonexistent/libxstilts_spm.so";
  auto module = SpmModule::Find(search);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().message(),
            "sentencepiece module libxstilts_spm.so not found; looked at:\n"
            "  /nonexistent/libxstilts_spm.so (from $XSTILTS_SPM_MODULE): no such file\n"
            "set XSTILTS_SPM_MODULE to the module's path");
}

TEST(SpmModule, BrokenModuleFileIsAnErrorNotAFallback) {
  const auto dir = std::filesystem::temp_directory_path() / "xstilts_tokenizer_broken_module";
  std::filesystem::create_directories(dir);
  const auto path = dir / "libxstilts_spm.so";
  std::ofstream(path) << std::string(4096, 'x');  // long enough to be judged by its header
  SpmModuleSearch search = DefaultSpmModuleSearch();
  search.env_override.clear();
  search.executable_dir = dir.string();  // the broken file comes before the build tree's module
  auto module = SpmModule::Find(search);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().kind(), ErrorKind::kFailed);
  EXPECT_EQ(module.status().message(), "cannot open the sentencepiece module " + path.string() +
                                           ": " + path.string() + ": invalid ELF header");
  std::filesystem::remove_all(dir);
}

TEST(SpmModule, LoadsAndSharesIostreamsWithTheExecutable) {
  // Shared() also compares the module's std::cout/cin/cerr/clog and __libc_single_threaded with
  // the executable's, and fails if the executable has copies of them.
  auto module = SpmModule::Shared();
  ASSERT_TRUE(module.ok()) << module.status().message();
  EXPECT_EQ(std::filesystem::path(module.value()->path()).filename(), "libxstilts_spm.so");
  EXPECT_NE(module.value()->api().encode, nullptr);
}

TEST(SpmModule, TestExecutableHasNoCopyRelocations) {
  // -fPIC executables reach shared-library data through the GOT; -fPIE ones get COPY
  // relocations, which RTLD_DEEPBIND modules do not see (docs/tokenizer.md).
  const std::vector<std::string> copies = CopyRelocatedSymbols("/proc/self/exe");
  std::string listed;
  for (const auto& name : copies) listed += name + " ";
  EXPECT_TRUE(copies.empty()) << "COPY relocations: " << listed;
}

}  // namespace
}  // namespace xstilts
