package policy
import ("testing";"os";"sort")
func TestCountHits(t *testing.T){
 var all []byte
 for _, f := range seedFiles(t) { b,_:=os.ReadFile(f); all=append(all,b...); all=append(all,'\n') }
 doc,_:=Extract(all[:50<<10],"text/plain; charset=utf-8","big")
 idx:=catalogueAnalyzer().idx()
 var texts,lowers []string
 n:=0
 for _,s:=range doc.Sections{ for _,x:=range s.Sentences{ texts=append(texts,x); lowers=append(lowers,asciiLower(x)); n++ } }
 hits:=idx.findTermsAll(texts,lowers)
 c:=map[string]int{}; tot:=0; units:=0
 for _,h:=range hits{ if len(h)>0{units++}; for _,x:=range h{ c[x.m.lower]++; tot++ } }
 type kv struct{k string; v int}; var kvs []kv; for k,v:=range c{kvs=append(kvs,kv{k,v})}
 sort.Slice(kvs,func(i,j int)bool{return kvs[i].v>kvs[j].v})
 t.Logf("units %d with hits %d total hits %d", n, units, tot); if len(kvs)>30{kvs=kvs[:30]}; t.Logf("%v",kvs)
}
func TestUnitLens(t *testing.T){
 var all []byte
 for _, f := range seedFiles(t) { b,_:=os.ReadFile(f); all=append(all,b...); all=append(all,'\n') }
 doc,_:=Extract(all[:50<<10],"text/plain; charset=utf-8","big")
 var ls []int; tot:=0; ns:=0
 for _,s:=range doc.Sections{ for _,x:=range s.Sentences{ ls=append(ls,len(x)); tot+=len(x); ns++ }; for _,tb:=range s.Tables{ t.Logf("table rows %d", len(tb.Rows)) } }
 sort.Ints(ls); t.Logf("sections %d sentences %d total %d max %v", len(doc.Sections), ns, tot, ls[len(ls)-10:])
}
